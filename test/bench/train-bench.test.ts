import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GEMM_SHAPES } from '../../bench/gemm.js';
import { runBench } from '../helpers/bench-run.js';

/**
 * bench:train with one short run of the MLP: it names the machine, the wasm variant and (with
 * PyTorch) the BLAS PyTorch runs on, and times every product of the GEMM table on our side and,
 * with PyTorch, on torch.mm, into the result line. No rate is checked: that is the benchmark's
 * job, on a quiet machine.
 */
test(
  'bench:train explains the machine: CPU, wasm variant, PyTorch BLAS, the wasm SIMD ceiling and a GEMM column',
  { timeout: 300_000 },
  async () => {
    const { stdout, values, resultLine } = await runBench('train', [
      '--models',
      'mlp',
      '--epochs',
      '1',
      '--repeats',
      '1',
      '--no-fit',
      '--gemm-seconds',
      '0.1',
    ]);
    assert.match(stdout, /^machine: .+ \(.+\), \d+ cores, Node v\d+.* \(V8 .+\); load average/m, 'the machine line');
    assert.match(stdout, /^TensorFlow\.js [\d.]+ wasm: SIMD (yes|no), threads (yes|no)$/m, 'the wasm variant');
    const torch = values.get('torch') !== 'skipped';
    if (torch) assert.match(stdout, /^PyTorch's BLAS: (OpenBLAS|MKL|BLIS|reference BLAS|unknown)/m, "PyTorch's BLAS");
    for (const shape of GEMM_SHAPES) {
      assert.ok(stdout.includes(`│ ${shape.label}`), `a GEMM row for ${shape.label}`);
      assert.ok(Number(values.get(`gemm_ours_${shape.key}`)) > 0, `gemm_ours_${shape.key} in: ${resultLine}`);
      assert.ok(Number(values.get(`gemm_tfjs_${shape.key}`)) > 0, `gemm_tfjs_${shape.key} in: ${resultLine}`);
      if (torch) assert.ok(Number(values.get(`gemm_torch_${shape.key}`)) > 0, `gemm_torch_${shape.key} in: ${resultLine}`);
    }
    assert.match(stdout, /^wasm SIMD ceiling: [\d.]+ GFLOP\/s .*; with relaxed_madd: /m, 'the wasm SIMD ceiling');
    assert.ok(Number(values.get('wasm_simd_ceiling')) > 0, `wasm_simd_ceiling in: ${resultLine}`);
    assert.match(stdout, /^target: every product at least 50 % of the wasm SIMD ceiling: (met|NOT met \(.+\))$/m, 'the GEMM target');
    assert.ok(Number(values.get('ours_mlp_wall')) > 0, `ours_mlp_wall in: ${resultLine}`);
  },
);
