import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/tf-backend.js';

/** matMul and fused matMul (bias, ReLU) with every transpose combination, on `backend`. */
async function products(backend: 'cpu' | 'wasm'): Promise<number[][]> {
  assert.equal(await initBackend(backend), backend);
  return tf.tidy(() => {
    const a = tf.randomUniform([2, 6, 5], -1, 1, 'float32', 1);
    const b = tf.randomUniform([2, 5, 4], -1, 1, 'float32', 2);
    const bias = tf.randomUniform([4], -1, 1, 'float32', 3);
    const results: number[][] = [];
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const left = transposeA ? a.transpose([0, 2, 1]) : a;
        const right = transposeB ? b.transpose([0, 2, 1]) : b;
        results.push(Array.from(tf.matMul(left, right, transposeA, transposeB).dataSync()));
        // Rank 2, as dense layers use it (batched fused products differ between the two backends
        // even without transposes, which is not ours to fix).
        const [left2, right2] = [left.gather(0) as tf.Tensor2D, right.gather(0) as tf.Tensor2D];
        results.push(Array.from(tf.fused.matMul({ a: left2, b: right2, transposeA, transposeB, bias, activation: 'relu' }).dataSync()));
      }
    }
    return results;
  });
}

test('on wasm, products with a transposed operand match the cpu backend', async () => {
  const expected = await products('cpu');
  const actual = await products('wasm');
  assert.equal(actual.length, expected.length);
  actual.forEach((values, k) =>
    values.forEach((value, i) =>
      assert.ok(Math.abs(value - (expected[k]?.[i] as number)) < 1e-5, `product ${k} [${i}]: ${value} vs ${expected[k]?.[i]}`),
    ),
  );
});
