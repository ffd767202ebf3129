import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/tf-backend.js';

/** The filter gradient of a conv2d (odd and even filter sizes, several channels), computed on `backend`, as plain numbers. */
async function filterGradient(backend: 'cpu' | 'wasm', strides: 1 | 2, pad: 'same' | 'valid'): Promise<number[]> {
  assert.equal(await initBackend(backend), backend);
  return tf.tidy(() => {
    const x = tf.randomUniform([3, 9, 8, 2], -1, 1, 'float32', 7);
    const filter = tf.randomUniform([5, 3, 2, 4], -1, 1, 'float32', 8);
    const grad = tf.grad((f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, strides, pad).square().sum());
    return Array.from(grad(filter).dataSync());
  });
}

test('conv2d filter gradients on wasm match the cpu backend', async () => {
  for (const strides of [1] as const) {
    for (const pad of ['same', 'valid'] as const) {
      const expected = await filterGradient('cpu', strides, pad);
      const actual = await filterGradient('wasm', strides, pad);
      assert.equal(actual.length, expected.length);
      actual.forEach((value, i) => assert.ok(Math.abs(value - (expected[i] as number)) <= 1e-3 * (1 + Math.abs(expected[i] as number)), `${strides} ${pad} [${i}]: ${value} vs ${expected[i]}`));
    }
  }
});

test('a strided conv2d filter gradient on wasm fails clearly instead of training on wrong gradients', async () => {
  await assert.rejects(filterGradient('wasm', 2, 'same'), /Conv2DBackpropFilter on wasm supports stride 1 only, but got 2x2/);
});
