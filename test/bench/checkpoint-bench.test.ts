import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../helpers/bench-run.js';

/**
 * bench:checkpoint with tiny settings (the MLP, 2 epochs, no PyTorch): every epoch is
 * checkpointed to disk and the result line has its figures. No timing is checked: that is the
 * benchmark's job, on a machine nothing else loads.
 */
test('bench:checkpoint measures a checkpoint of the MLP and prints its result line', { timeout: 180_000 }, async () => {
  const { values, resultLine: last } = await runBench('checkpoint', ['--models', 'mlp', '--epochs', '2', '--no-torch']);
  // 784-100-100-10: 89,610 weights; with Adam's two moments and the best epoch's copy, four copies of 4 bytes.
  const bytes = Number(values.get('mlp_bytes'));
  assert.ok(bytes > 4 * 4 * 89_610 && bytes < 4 * 4 * 89_610 + 64 * 1024, `mlp_bytes=${bytes}`);
  for (const key of ['mlp_checkpoint_ms', 'mlp_capture_ms', 'mlp_epoch_ms', 'mlp_percent_of_epoch'])
    assert.ok(Number.isFinite(Number(values.get(key))), `${key} is a number in: ${last}`);
  assert.equal(values.get('torch'), 'skipped');
  assert.match(values.get('target') ?? '', /^(met|missed)$/);
});
