import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { EpochReport } from '../../src/core/run-report.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING } from '../../src/training/settings.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { disposeTrainingData, toTrainingData } from '../../src/training/training-data.js';
import { trainRun } from '../../src/training/train-run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { DEBIAN_FASHION_MNIST, writeCifarDataset } from './dataset-fixtures.js';

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
});

function trainOneEpoch(data: ReturnType<typeof toTrainingData>): { status: string; epochs: EpochReport[] } {
  const epochs: EpochReport[] = [];
  const outcome = trainRun({
    data,
    config: {
      model: { ...DEFAULT_MODEL, depth: 1, width: 32 },
      training: { ...DEFAULT_TRAINING, epochs: 1, batch_size: 32, learning_rate: 0.005 },
    },
    seed: 1,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    onEpoch: (report) => epochs.push(report),
    shouldStop: () => false,
  });
  return { status: outcome.status, epochs };
}

describe('training on datasets read from files', () => {
  test('an MLP learns Fashion-MNIST in one epoch on 2,000 examples', async () => {
    const split = await new DatasetCache().load({
      name: 'fashion-mnist',
      dir: DEBIAN_FASHION_MNIST,
      limit: 2000,
      validation: 500,
      test: 500,
      seed: 2,
    });
    const data = toTrainingData(split);
    try {
      assert.equal(data.inputSize, 784);
      const { status, epochs } = trainOneEpoch(data);
      assert.equal(status, 'finished');
      // Chance is 0.1; a small MLP reaches about 0.7 after one epoch on this subset.
      assert.ok((epochs[0]?.metrics.valAccuracy ?? 0) > 0.5, `validation accuracy ${epochs[0]?.metrics.valAccuracy}`);
    } finally {
      disposeTrainingData(data);
    }
  });

  test('an MLP on flattened 32x32x3 CIFAR-like images trains: the class is in the red channel', async () => {
    const dir = tempDir();
    // Class k (n % 10) has red = 25k everywhere, green and blue noise-free but uninformative.
    writeCifarDataset(dir, 40, (n, channel) => (channel === 0 ? (n % 10) * 25 : 100));
    const split = await new DatasetCache().load({ name: 'cifar-10', dir, validation: 40, seed: 3 });
    const data = toTrainingData(split);
    try {
      assert.equal(data.inputSize, 32 * 32 * 3);
      assert.deepEqual([data.train.count, data.validation.count, data.test?.count], [160, 40, 40]);
      const { status, epochs } = trainOneEpoch(data);
      assert.equal(status, 'finished');
      const metrics = epochs[0]?.metrics;
      assert.ok(metrics && Number.isFinite(metrics.trainLoss) && Number.isFinite(metrics.valAccuracy), JSON.stringify(metrics));
    } finally {
      disposeTrainingData(data);
    }
  });
});
