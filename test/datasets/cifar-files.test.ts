import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkDatasetFiles } from '../../src/datasets/check-dataset-files.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { loadFileDataset } from '../../src/datasets/load-file-dataset.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cifarBatch, writeCifarDataset, writeFile } from './dataset-fixtures.js';

/** A byte that encodes where it came from: record, channel, row and column. */
const pixel = (n: number, channel: number, row: number, col: number): number => (n * 101 + channel * 67 + row * 7 + col * 3) % 256;

describe('CIFAR-10 binary batches', () => {
  test('records become [32, 32, 3] images, channels last, every byte in its place', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'test_batch.bin'), cifarBatch([3, 9], pixel));
    const data = await loadFileDataset({
      name: 'cifar-10',
      dir,
      files: { train_batches: [join(dir, 'test_batch.bin')] },
      validation: 1,
      seed: 1,
    });
    assert.deepEqual([...data.train.labels], [3, 9]);
    for (let n = 0; n < 2; n++) {
      for (let row = 0; row < 32; row++) {
        for (let col = 0; col < 32; col++) {
          for (let channel = 0; channel < 3; channel++) {
            const at = n * 3072 + (row * 32 + col) * 3 + channel;
            assert.equal(data.train.images[at], pixel(n, channel, row, col), `record ${n} (${row}, ${col}) channel ${channel}`);
          }
        }
      }
    }
  });

  test('a red top-left corner stays red and top-left after the split, scaled to [0, 1]', async () => {
    const dir = tempDir();
    // Red 255 only at (0, 0); green 128 only at (31, 0); blue everywhere 0.
    const corner = (_n: number, channel: number, row: number, col: number): number =>
      channel === 0 && row === 0 && col === 0 ? 255 : channel === 1 && row === 31 && col === 0 ? 128 : 0;
    writeCifarDataset(join(dir, 'cifar-10-batches-bin'), 4, corner);
    await checkDatasetFiles({ name: 'cifar-10', dir, validation: 2, seed: 1 });
    const split = await new DatasetCache().load({ name: 'cifar-10', dir, validation: 2, seed: 1 });
    assert.deepEqual(split.shape, [32, 32, 3]);
    assert.deepEqual(
      [split.train.count, split.validation.count, split.test.count],
      [18, 2, 4],
      'five training batches, found in cifar-10-batches-bin/',
    );
    const image = split.train.images.subarray(0, 3072);
    assert.deepEqual([...image.subarray(0, 3)], [1, 0, 0]);
    assert.deepEqual([...image.subarray(31 * 32 * 3, 31 * 32 * 3 + 3)], [0, Math.fround(128 / 255), 0]);
    assert.equal(image.filter((v) => v !== 0).length, 2, 'nothing else lit');
  });

  test('broken batches are DataErrors naming the file', async () => {
    const dir = tempDir();
    writeCifarDataset(dir, 2);
    const spec = { name: 'cifar-10' as const, dir, validation: 1, seed: 1 };
    writeFileSync(join(dir, 'data_batch_3.bin'), Buffer.alloc(3073 * 2 - 5));
    const truncated = `${dir}/data_batch_3.bin: truncated or not a CIFAR-10 binary batch: 6141 bytes is not a whole number of 3073-byte records (1 records and 3068 bytes)`;
    await assert.rejects(loadFileDataset(spec), { name: 'DataError', message: truncated });
    await assert.rejects(checkDatasetFiles(spec), { name: 'DataError', message: truncated });
    writeFile(join(dir, 'data_batch_3.bin'), cifarBatch([1, 12], pixel));
    await assert.rejects(loadFileDataset(spec), {
      name: 'DataError',
      message: `${dir}/data_batch_3.bin: record 1 has label 12, but CIFAR-10 has 10 classes (0..9)`,
    });
    writeFileSync(join(dir, 'data_batch_3.bin'), Buffer.alloc(0));
    await assert.rejects(loadFileDataset(spec), { message: `${dir}/data_batch_3.bin: empty, expected CIFAR-10 records of 3073 bytes` });
    const empty = tempDir();
    await assert.rejects(loadFileDataset({ ...spec, dir: empty }), {
      message: `${empty}: found neither data_batch_1.bin nor data_batch_1.bin.gz (the training batches of cifar-10) in ${empty} or ${empty}/cifar-10-batches-bin`,
    });
  });
});
