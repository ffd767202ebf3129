import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/tf-backend.js';

/**
 * The gradient of max-pooling on the wasm backend, with our MaxPoolGrad, against the JavaScript
 * backend's: windows whose values are all negative (after tanh) included, where TensorFlow.js
 * 4.22's own wasm kernel misroutes it; 'same' padding and a stride other than the window too.
 */
test('max-pooling gradients on wasm equal the cpu backend, negative windows included', async () => {
  const cases = [
    { shape: [2, 6, 6, 3], size: 2, stride: 2, pad: 'valid' as const },
    { shape: [1, 7, 5, 4], size: 3, stride: 2, pad: 'same' as const },
    { shape: [2, 5, 5, 1], size: 2, stride: 2, pad: 'valid' as const },
  ];
  const gradients = async (backend: 'wasm' | 'cpu'): Promise<Float32Array[]> => {
    assert.equal(await initBackend(backend), backend);
    return cases.map(({ shape, size, stride, pad }, i) =>
      tf.tidy(() => {
        const z = tf.randomNormal(shape, 0, 1, 'float32', i + 1);
        const weights = tf.randomNormal(tf.maxPool(z as tf.Tensor4D, size, stride, pad).shape, 0, 1, 'float32', i + 10);
        const loss = (x: tf.Tensor): tf.Scalar =>
          tf
            .maxPool(tf.tanh(x) as tf.Tensor4D, size, stride, pad)
            .mul(weights)
            .sum();
        return tf.grad(loss)(z).dataSync() as Float32Array;
      }),
    );
  };
  const [cpu, wasm] = [await gradients('cpu'), await gradients('wasm')];
  cases.forEach((c, i) => {
    const [expected, actual] = [cpu[i] as Float32Array, wasm[i] as Float32Array];
    for (let j = 0; j < expected.length; j++)
      assert.ok(
        Math.abs((actual[j] as number) - (expected[j] as number)) < 1e-5,
        `${JSON.stringify(c)} at ${j}: ${actual[j]} vs ${expected[j]}`,
      );
  });
});
