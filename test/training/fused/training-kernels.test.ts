import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVATION_KINDS, instantiateKernels, type ActivationKind } from '../../../src/training/fused/training-kernels.js';

/** The activations as TensorFlow.js defines them, in double precision. */
const REFERENCE: Record<ActivationKind, (x: number, alpha: number) => number> = {
  LINEAR: (x) => x,
  RELU: (x) => Math.max(x, 0),
  SIGMOID: (x) => 1 / (1 + Math.exp(-x)),
  TANH: (x) => Math.tanh(x),
  ELU: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)),
  SELU: (x) => (x > 0 ? 1.0507009873554805 * x : 1.7580993408473768 * Math.expm1(x)),
  LEAKY_RELU: (x, alpha) => (x > 0 ? x : alpha * x),
};

/**
 * biasActivation on values from -100 to 100 (the vectorised path, exp included, and the scalar
 * tail: 7 columns), against the definitions in double precision: within 4e-7 of each value's
 * magnitude or 2e-7 absolute (where exp(x) - 1 loses digits near 0). NaN stays NaN.
 */
test('the kernels compute every activation to float32 precision, exp included', () => {
  const instance = instantiateKernels();
  assert.ok('kernels' in instance, JSON.stringify(instance));
  const { kernels, codes } = instance;
  const columns = 7;
  const inputs = Array.from({ length: 4001 }, (_, i) => -100 + i * 0.05);
  inputs.push(-0.001, 1e-6, -1e-6, 0, 20, -20, 87.9, -87.3, -150, 150);
  const rows = Math.ceil(inputs.length / columns);
  const z = Math.ceil(kernels.heapBase() / 16) * 16;
  const bias = z + rows * columns * 4;
  const bytes = bias + columns * 4 - kernels.memory.buffer.byteLength;
  if (bytes > 0) kernels.memory.grow(Math.ceil(bytes / 65_536));
  for (const kind of ACTIVATION_KINDS) {
    const alpha = kind === 'LEAKY_RELU' ? 0.01 : kind === 'ELU' ? 0.7 : 0;
    const heap = new Float32Array(kernels.memory.buffer);
    heap.fill(0, z / 4, bias / 4 + columns);
    heap.set(inputs, z / 4);
    kernels.biasActivation(z, bias, rows, columns, codes[kind], alpha);
    const out = new Float32Array(kernels.memory.buffer, z, inputs.length);
    inputs.forEach((x, i) => {
      const expected = REFERENCE[kind](Math.fround(x), alpha);
      const actual = out[i] as number;
      const tolerance = Math.max(4e-7 * Math.abs(expected), 2e-7);
      assert.ok(Math.abs(actual - expected) <= tolerance, `${kind}(${x}) = ${actual}, expected ${expected}`);
    });
  }
  const heap = new Float32Array(kernels.memory.buffer);
  heap.fill(Number.NaN, z / 4, z / 4 + 4);
  kernels.biasActivation(z, bias, 1, 4, codes.SIGMOID, 0);
  assert.ok(Number.isNaN(heap[z / 4]), 'NaN in, NaN out: a diverged run is seen as one');
});
