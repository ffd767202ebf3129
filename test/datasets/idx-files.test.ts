import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { checkDatasetFiles } from '../../src/datasets/check-dataset-files.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { DatasetSpec } from '../../src/datasets/dataset-spec.js';
import { loadFileDataset } from '../../src/datasets/load-file-dataset.js';
import { DataError } from '../../src/errors/data-error.js';
import { tempDir } from '../helpers/temp-dir.js';
import { flatImage, idxImages, idxLabels, writeFile, writeIdxDataset } from './dataset-fixtures.js';

const spec = (dir: string, more: Partial<DatasetSpec> = {}): DatasetSpec => ({ name: 'mnist', dir, validation: 10, seed: 3, ...more });

/** The DataError message of loading (and, where headers tell, of the coordinator's check). */
async function loadError(dataSpec: DatasetSpec): Promise<string> {
  try {
    await loadFileDataset(dataSpec);
  } catch (error) {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    assert.equal(error.code, 'DATA_ERROR');
    return error.message;
  }
  assert.fail('expected the load to fail');
}

async function checkError(dataSpec: DatasetSpec): Promise<string> {
  try {
    await checkDatasetFiles(dataSpec);
  } catch (error) {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the check to fail');
}

describe('IDX datasets', () => {
  test('plain and gzip files load alike; validation is cut from the training files, test is the test files', async () => {
    for (const gzip of [false, true]) {
      const dir = tempDir();
      writeIdxDataset(dir, { train: 60, test: 20, gzip });
      await checkDatasetFiles(spec(dir));
      const split = await new DatasetCache().load(spec(dir));
      assert.deepEqual([split.train.count, split.validation.count, split.test.count], [50, 10, 20], `gzip ${gzip}`);
      assert.deepEqual(split.shape, [28, 28, 1]);
      assert.equal(split.classes, 10);
      // Test examples keep their file order; every pixel of an example is its label (as label / 255).
      assert.deepEqual(
        [...split.test.labels],
        Array.from({ length: 20 }, (_, i) => i % 10),
      );
      for (const part of [split.train, split.validation, split.test]) {
        for (let i = 0; i < part.count; i++) assert.equal(part.images[i * 784 + 400], Math.fround((part.labels[i] as number) / 255));
      }
      const seen = [...split.train.labels, ...split.validation.labels].sort((a, b) => a - b);
      assert.deepEqual(
        seen,
        Array.from({ length: 60 }, (_, i) => i % 10).sort((a, b) => a - b),
        'every training example once',
      );
    }
  });

  test('gzip is recognised by its magic bytes, not by the file name', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, { train: 30, test: 10 });
    // gzip content under the plain name, plain content under a .gz name.
    const images = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(images, gzipSync(readFileSync(images)));
    renameSync(join(dir, 't10k-labels-idx1-ubyte'), join(dir, 't10k-labels-idx1-ubyte.gz'));
    await checkDatasetFiles(spec(dir));
    const data = await loadFileDataset(spec(dir));
    assert.deepEqual([data.train.count, data.test?.count], [30, 10]);
  });

  test('limit and test take seeded subsets; test: 0 needs no test files', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, { train: 100, test: 40 });
    const split = await new DatasetCache().load(spec(dir, { limit: 50, validation: 0.2, test: 15 }));
    assert.deepEqual([split.train.count, split.validation.count, split.test.count], [40, 10, 15]);
    const again = await new DatasetCache().load(spec(dir, { limit: 50, validation: 0.2, test: 15 }));
    assert.deepEqual(again.test.labels, split.test.labels, 'the same seed draws the same subset');

    const trainOnly = tempDir();
    writeIdxDataset(trainOnly, { train: 30, test: 0 });
    renameSync(join(trainOnly, 't10k-images-idx3-ubyte'), join(trainOnly, 'elsewhere'));
    const noTest = await new DatasetCache().load(spec(trainOnly, { test: 0 }));
    assert.deepEqual([noTest.train.count, noTest.test.count], [20, 0]);
    await assert.rejects(
      new DatasetCache().load(spec(dir, { test: 41 })),
      /dataset\.test must be at most 40 \(the examples in the test files\), but got 41/,
    );
  });

  test('EMNIST images are turned upright: an asymmetric pattern reads as it would in MNIST', async () => {
    // Upright, pixel (r, c) = 3r + 7c (mod 256): not symmetric, so a missed or doubled transpose shows.
    const upright = new Uint8Array(784);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) upright[r * 28 + c] = (3 * r + 7 * c) % 256;
    // EMNIST stores each image column after column.
    const stored = new Uint8Array(784);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) stored[c * 28 + r] = upright[r * 28 + c] as number;
    const dir = tempDir();
    for (const part of ['train', 'test']) {
      writeFile(join(dir, 'gzip', `emnist-balanced-${part}-images-idx3-ubyte.gz`), idxImages([stored, stored]), true);
      writeFile(join(dir, 'gzip', `emnist-balanced-${part}-labels-idx1-ubyte.gz`), idxLabels([46, 0]), true);
    }
    const data = await loadFileDataset({ name: 'emnist-balanced', dir, validation: 1, seed: 1 });
    assert.deepEqual(
      [...data.train.images.subarray(0, 784)],
      [...upright],
      'found in the gzip/ folder of the official archive, and upright',
    );
    assert.deepEqual([...data.train.labels], [46, 0], '47 classes: labels up to 46');
    // The same bytes read as MNIST are taken as they are.
    const mnistDir = tempDir();
    writeFile(join(mnistDir, 'train-images-idx3-ubyte'), idxImages([stored]));
    writeFile(join(mnistDir, 'train-labels-idx1-ubyte'), idxLabels([1]));
    const asMnist = await loadFileDataset({ name: 'mnist', dir: mnistDir, validation: 1, test: 0, seed: 1 });
    assert.deepEqual([...asMnist.train.images], [...stored]);
  });

  describe('every broken file is a DataError naming the file and what was wrong', () => {
    const broken = (change: (dir: string) => void, options: { gzip?: boolean } = {}): string => {
      const dir = tempDir();
      writeIdxDataset(dir, { train: 5, test: 3, ...options });
      change(dir);
      return dir;
    };

    test('a labels file where the images should be, and the other way round', async () => {
      const dir = broken((d) => copyFileSync(join(d, 'train-images-idx3-ubyte.gz'), join(d, 'train-labels-idx1-ubyte.gz')), { gzip: true });
      const message = `${dir}/train-labels-idx1-ubyte.gz: expected IDX magic 0x00000801 (labels), found 0x00000803 (images)`;
      assert.equal(await loadError(spec(dir)), message);
      assert.equal(await checkError(spec(dir)), message);
      const swapped = broken((d) => copyFileSync(join(d, 't10k-labels-idx1-ubyte'), join(d, 't10k-images-idx3-ubyte')));
      assert.equal(
        await loadError(spec(swapped)),
        `${swapped}/t10k-images-idx3-ubyte: expected IDX magic 0x00000803 (images), found 0x00000801 (labels)`,
      );
    });

    test('not an IDX file at all', async () => {
      const dir = broken((d) => writeFileSync(join(d, 'train-images-idx3-ubyte'), 'GIF89a, not digits'));
      assert.equal(await loadError(spec(dir)), `${dir}/train-images-idx3-ubyte: expected IDX magic 0x00000803 (images), found 0x47494638`);
    });

    test('truncated files, plain and gzip, and a file shorter than its header', async () => {
      const cut = (path: string, keep: number): void => writeFileSync(path, readFileSync(path).subarray(0, keep));
      const dir = broken((d) => cut(join(d, 'train-images-idx3-ubyte'), 1000));
      const message = `${dir}/train-images-idx3-ubyte: truncated: the header declares 5 images of 28x28 (3936 bytes in all), but the file has 1000`;
      assert.equal(await loadError(spec(dir)), message);
      assert.equal(await checkError(spec(dir)), message);

      const gz = broken(
        (d) => {
          const path = join(d, 'train-images-idx3-ubyte.gz');
          writeFileSync(path, gzipSync(gunzipSync(readFileSync(path)).subarray(0, 1000)));
        },
        { gzip: true },
      );
      assert.equal(
        await loadError(spec(gz)),
        `${gz}/train-images-idx3-ubyte.gz: truncated: the header declares 5 images of 28x28 (3936 bytes in all), but the file has 1000`,
      );
      assert.equal(
        await checkError(spec(gz)),
        `${gz}/train-images-idx3-ubyte.gz: truncated: the header declares 5 images of 28x28 (3936 bytes in all), but the file has 1000`,
      );

      const short = broken((d) => cut(join(d, 'train-labels-idx1-ubyte'), 6));
      assert.equal(
        await loadError(spec(short)),
        `${short}/train-labels-idx1-ubyte: truncated: an IDX header of labels takes 8 bytes, but the file has 6`,
      );
      const tiny = broken((d) => cut(join(d, 'train-labels-idx1-ubyte'), 2));
      assert.equal(
        await loadError(spec(tiny)),
        `${tiny}/train-labels-idx1-ubyte: truncated: expected an IDX file of labels, but it has only 2 bytes`,
      );
    });

    test('a gzip stream cut short', async () => {
      const dir = broken(
        (d) => {
          const path = join(d, 'train-images-idx3-ubyte.gz');
          const bytes = readFileSync(path);
          writeFileSync(path, bytes.subarray(0, bytes.length - 20));
        },
        { gzip: true },
      );
      assert.equal(await loadError(spec(dir)), `${dir}/train-images-idx3-ubyte.gz: corrupt gzip data: unexpected end of file`);
    });

    test('bytes beyond what the header declares', async () => {
      const dir = broken((d) =>
        writeFileSync(join(d, 't10k-labels-idx1-ubyte'), Buffer.concat([idxLabels([1, 2, 3]), Buffer.from([0, 0])])),
      );
      assert.equal(
        await loadError(spec(dir)),
        `${dir}/t10k-labels-idx1-ubyte: the header declares 3 labels (11 bytes in all), but the file has 13: 2 bytes too many`,
      );
    });

    test('images of the wrong size for the dataset', async () => {
      const dir = broken((d) => writeFile(join(d, 'train-images-idx3-ubyte'), idxImages([flatImage(1, 32 * 32)], 32, 32)));
      const message = `${dir}/train-images-idx3-ubyte: expected images of 28x28 pixels, but the header says 32x32`;
      assert.equal(await loadError(spec(dir)), message);
      assert.equal(await checkError(spec(dir)), message);
    });

    test('image and label counts that disagree', async () => {
      const dir = broken((d) => writeFile(join(d, 'train-labels-idx1-ubyte'), idxLabels([1, 2, 3, 4])));
      const message = `${dir}/train-labels-idx1-ubyte: has 4 labels, but ${dir}/train-images-idx3-ubyte has 5 images: they must match one to one`;
      assert.equal(await loadError(spec(dir)), message);
      assert.equal(await checkError(spec(dir)), message);
    });

    test('a label outside the classes', async () => {
      const dir = broken((d) => writeFile(join(d, 'train-labels-idx1-ubyte'), idxLabels([1, 2, 10, 4, 5])));
      assert.equal(await loadError(spec(dir)), `${dir}/train-labels-idx1-ubyte: label 2 is 10, but this dataset has 10 classes (0..9)`);
    });

    test('missing files and folders, and explicit files that do not exist', async () => {
      const dir = broken((d) => renameSync(join(d, 't10k-labels-idx1-ubyte'), join(d, 'labels.old')));
      const missing = `${dir}: found neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz (the test labels of mnist) in ${dir}`;
      assert.equal(await loadError(spec(dir)), missing);
      assert.equal(await checkError(spec(dir)), missing);
      assert.equal(await loadError(spec(join(dir, 'nope'))), `${dir}/nope: cannot read dataset.dir: no such directory`);
      assert.equal(await loadError(spec(join(dir, 'labels.old'))), `${dir}/labels.old: dataset.dir must be a directory, but it is a file`);
      const explicit = spec(dir, { files: { test_labels: join(dir, 'gone.gz') } });
      assert.equal(await loadError(explicit), `${dir}/gone.gz: cannot read: no such file`);
      assert.equal(await checkError(explicit), `${dir}/gone.gz: cannot read: no such file`);
      assert.equal(await loadError(spec(dir, { files: { test_labels: dir } })), `${dir}: cannot read: is a directory, not a regular file`);
    });

    test('a failed load is not cached: fixing the file and trying again works', async () => {
      const dir = broken((d) => renameSync(join(d, 'train-labels-idx1-ubyte'), join(d, 'aside')));
      const cache = new DatasetCache();
      await assert.rejects(cache.load(spec(dir, { validation: 1 })), DataError);
      renameSync(join(dir, 'aside'), join(dir, 'train-labels-idx1-ubyte'));
      assert.equal((await cache.load(spec(dir, { validation: 1 }))).train.count, 4);
    });
  });
});
