import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { checkDatasetFiles } from '../../src/datasets/check-dataset-files.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { loadFileDataset } from '../../src/datasets/load-file-dataset.js';
import { DEBIAN_FASHION_MNIST } from './dataset-fixtures.js';

describe('the real Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  test('is installed', () => {
    assert.ok(
      existsSync(DEBIAN_FASHION_MNIST),
      `${DEBIAN_FASHION_MNIST} is missing: apt-get install dataset-fashion-mnist (as .ci/run does)`,
    );
  });

  test('60,000 training and 10,000 test images of 28x28, 10 balanced classes, pixels spanning [0, 1]', async () => {
    const spec = { name: 'fashion-mnist' as const, dir: DEBIAN_FASHION_MNIST, validation: 0.1, seed: 1 };
    await checkDatasetFiles(spec);
    const data = await loadFileDataset(spec);
    assert.equal(data.train.count, 60000);
    assert.equal(data.test?.count, 10000);
    const counts = (labels: Uint8Array): number[] => {
      const perClass = new Array<number>(10).fill(0);
      for (const label of labels) perClass[label] = (perClass[label] ?? 0) + 1;
      return perClass;
    };
    // Fashion-MNIST is balanced: 6,000 of each class in training, 1,000 in test.
    assert.deepEqual(counts(data.train.labels), new Array(10).fill(6000));
    assert.ok(data.test);
    assert.deepEqual(counts(data.test.labels), new Array(10).fill(1000));
    // The first labels of each file, as published (train: ankle boot, T-shirt, T-shirt, dress...; test: ankle boot, pullover...).
    assert.deepEqual([...data.train.labels.subarray(0, 8)], [9, 0, 0, 3, 0, 2, 7, 2]);
    assert.deepEqual([...data.test.labels.subarray(0, 5)], [9, 2, 1, 1, 6]);

    const started = performance.now();
    const split = await new DatasetCache().load(spec);
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual([split.train.count, split.validation.count, split.test.count], [54000, 6000, 10000]);
    let min = Infinity;
    let max = -Infinity;
    for (const value of split.train.images) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    assert.deepEqual([min, max], [0, 1]);
    assert.ok(seconds < 30, `loading and splitting took ${seconds.toFixed(1)} s`);
  });
});
