import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/tf-backend.js';
import { registerWasmConvFilterGradient } from '../../src/training/wasm-conv-filter-gradient.js';

/** d/dW of sum(conv2d(x, W) * r) on the current backend. */
function filterGradient(padding: 'same' | 'valid', stride: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.randomNormal<tf.Rank.R4>([3, 9, 8, 2], 0, 1, 'float32', 1);
    const w = tf.randomNormal<tf.Rank.R4>([5, 5, 2, 4], 0, 1, 'float32', 2);
    const out = tf.conv2d(x, w, stride, padding);
    const r = tf.randomNormal(out.shape, 0, 1, 'float32', 3);
    return tf
      .grad((kernel: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, kernel as tf.Tensor4D, stride, padding), r)))(w)
      .dataSync() as Float32Array;
  });
}

test("the wasm Conv2DBackpropFilter kernel matches the CPU backend's", async () => {
  for (const [padding, stride] of [
    ['same', 1],
    ['valid', 1],
    ['same', 2],
  ] as const) {
    await tf.setBackend('cpu');
    const cpu = filterGradient(padding, stride);
    assert.equal(await initBackend('wasm'), 'wasm');
    registerWasmConvFilterGradient();
    const wasm = filterGradient(padding, stride);
    assert.equal(wasm.length, cpu.length);
    cpu.forEach((value, i) =>
      assert.ok(Math.abs(value - (wasm[i] ?? NaN)) < 1e-3 * (1 + Math.abs(value)), `${padding}/${stride} [${i}]: ${wasm[i]} vs ${value}`),
    );
  }
});
