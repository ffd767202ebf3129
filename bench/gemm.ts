import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { instantiateKernels } from '../src/training/fused/training-kernels.js';

/** One matrix product C = op(A) op(B), m x k times k x n, as training computes it. */
export interface GemmShape {
  /** Its name in the result line. */
  readonly key: string;
  readonly label: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const shape = (key: string, label: string, m: number, k: number, n: number, transposeA = false, transposeB = false): GemmShape => ({
  key,
  label,
  m,
  k,
  n,
  transposeA,
  transposeB,
});

/**
 * The products of one training step of the seed MLP (784-100-100-10, batch 50): the first
 * layer's forward product and weight gradient (the largest), the second layer's forward product
 * and input gradient; and a 512 x 512 square, the shape at which a GEMM reaches its peak, as the
 * limit each side works against.
 */
export const GEMM_SHAPES: readonly GemmShape[] = [
  shape('mlp1_forward', 'MLP layer 1 forward 50x784 . 784x100', 50, 784, 100),
  shape('mlp1_weight_gradient', 'MLP layer 1 weight gradient (784x50)ᵀ . 50x100', 784, 50, 100, true),
  shape('mlp2_forward', 'MLP layer 2 forward 50x100 . 100x100', 50, 100, 100),
  shape('mlp2_input_gradient', 'MLP layer 2 input gradient 50x100 . (100x100)ᵀ', 50, 100, 100, false, true),
  shape('square512', 'square 512x512 . 512x512', 512, 512, 512),
];

/** GFLOP/s of one product by `product`, by the method of bench/python/gemm.py: repeated calls for about `seconds`, the best of five rounds. */
function rateOf(product: () => void, flops: number, seconds: number): number {
  for (let i = 0; i < 3; i++) product();
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) product();
    if ((performance.now() - start) / 1000 > seconds / 5) break;
    calls *= 2;
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) product();
    best = Math.min(best, (performance.now() - start) / 1000 / calls);
  }
  return flops / best / 1e9;
}

/**
 * GFLOP/s of tf.matMul on the current backend (on wasm, XNNPACK's GEMM and our transposed-product
 * kernel): the products of every model the fused step does not cover (CNNs, batch norm, dropout).
 */
export function tfGemmRates(shapes: readonly GemmShape[], seconds: number): number[] {
  return shapes.map(({ m, k, n, transposeA, transposeB }) => {
    const a = tf.randomNormal(transposeA ? [k, m] : [m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal(transposeB ? [n, k] : [k, n], 0, 1, 'float32', 2);
    try {
      return rateOf(() => tf.matMul(a, b, transposeA, transposeB).dispose(), 2 * m * k * n, seconds);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
}

/**
 * GFLOP/s of the fused MLP step's products (kernels/training.ts), as the step calls them: A read
 * through strides when transposed, B transposed into a buffer first when it is (that copy counts).
 */
export function fusedGemmRates(shapes: readonly GemmShape[], seconds: number): number[] {
  return shapes.map(({ m, k, n, transposeA, transposeB }) => {
    const instance = instantiateKernels();
    if ('unavailable' in instance) return Number.NaN;
    const { kernels } = instance;
    const at = Math.ceil(kernels.heapBase() / 16) * 16;
    const [a, b, bt, c] = [at, at + 4 * m * k, at + 4 * (m * k + k * n), at + 4 * (m * k + 2 * k * n)];
    const bytes = c + 4 * m * n - kernels.memory.buffer.byteLength;
    if (bytes > 0) kernels.memory.grow(Math.ceil(bytes / 65_536));
    const heap = new Float32Array(kernels.memory.buffer);
    for (let i = a / 4; i < c / 4; i++) heap[i] = Math.sin(i);
    const [aRow, aCol] = transposeA ? [4, 4 * m] : [4 * k, 4];
    const product = transposeB
      ? () => {
          kernels.transpose(b, n, k, bt);
          kernels.gemm(a, aRow, aCol, bt, c, m, k, n);
        }
      : () => kernels.gemm(a, aRow, aCol, b, c, m, k, n);
    return rateOf(product, 2 * m * k * n, seconds);
  });
}

/** The wasm binary TensorFlow.js picked on this machine: with SIMD, with threads. */
export async function wasmVariant(): Promise<string> {
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return `TensorFlow.js ${tf.version_core} wasm: SIMD ${simd ? 'yes' : 'no'}, threads ${threads ? 'yes' : 'no'}`;
}
