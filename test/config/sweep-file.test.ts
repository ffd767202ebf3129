import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSweepFile, parseSweep } from '../../src/config/load-sweep-file.js';
import type { StudyDefinition } from '../../src/store/study-definition.js';
import { DEFAULT_MODEL } from '../../src/training/settings.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import { tempDir } from '../helpers/temp-dir.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml, writeTinySweep } from '../helpers/tiny-sweep.js';

const SWEEPS_DIR = fileURLToPath(new URL('../../../sweeps/', import.meta.url));

const errorFor = sweepErrorFor;

function trainingTask(definition: StudyDefinition): TrainingTask {
  assert.equal(definition.task?.type, 'train');
  return definition.task;
}

describe('sweep files', () => {
  test('every example in sweeps/ parses', async () => {
    const files = readdirSync(SWEEPS_DIR).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.includes('quickstart.yaml'));
    for (const file of files) {
      const { definition } = await loadSweepFile(join(SWEEPS_DIR, file));
      assert.ok(definition.budget.trials !== undefined && definition.budget.trials > 0, file);
    }
  });

  test('the quick start is the documented sweep', async () => {
    const { definition, source } = await loadSweepFile(join(SWEEPS_DIR, 'quickstart.yaml'));
    assert.equal(definition.name, 'quickstart');
    assert.equal(definition.budget.trials, 20);
    assert.deepEqual(definition.objective, { metric: 'val_accuracy', direction: 'maximize' });
    assert.equal(trainingTask(definition).dataset.name, 'bundled-mnist');
    assert.deepEqual(definition.space.beta1?.when, { optimizer: ['adam'] });
    assert.equal(source.format, 'yaml');
    assert.match(source.text, /^# The quick start/);
  });

  test('fills defaults and keeps what the file sets', () => {
    const { definition } = parseSweep(tinySweepYaml({ seed: '' }), 'ok.yaml', { defaultSeed: 99 });
    assert.equal(definition.seed, 99);
    assert.equal(definition.repeats, 1);
    assert.deepEqual(definition.objective, { metric: 'val_accuracy', direction: 'maximize' });
    const task = trainingTask(definition);
    assert.deepEqual(task.model, { ...DEFAULT_MODEL, depth: 1, width: 16, activation: 'relu' });
    assert.equal(task.training.learning_rate, 0.01);
    assert.equal(task.training.beta2, 0.999, 'defaults fill what the file leaves out');
    assert.equal(task.dataset.seed, 99, 'the split follows the study seed');
    assert.equal(typeof definition.sampler.seed, 'number');
  });

  test('--study overrides the name', () => {
    assert.equal(parseSweep(tinySweepYaml(), 'ok.yaml', { studyName: 'other' }).definition.name, 'other');
  });

  test('unknown keys name the file, line, field and the keys expected', () => {
    assert.equal(
      errorFor({ budget: 'budget:\n  trials: 4\n  trails: 5' }),
      'bad.yaml:24:3: budget.trails: unknown field (expected one of: trials, max_concurrent)',
    );
    assert.match(
      errorFor({ sampler: 'sampler:\n  type: random\n  sed: 3' }),
      /bad\.yaml:\d+:\d+: sampler\.sed: unknown field \(expected one of: type, seed\)/,
    );
    assert.match(
      errorFor({ extra: 'epochs: 3' }),
      /^bad\.yaml:\d+:\d+: epochs: unknown field \(expected one of: study, description, seed, dataset, model, training, synthetic, command, module, space, sampler, pruner, early_stopping, scheduler, budget, objective, repeats, checkpoint, run_timeout\)$/,
    );
  });

  test('low >= high and log scales with low <= 0 point at the line', () => {
    assert.equal(
      errorFor({ space: 'space:\n  learning_rate: { type: float, low: 0.1, high: 0.01 }' }),
      'bad.yaml:18:33: space.learning_rate.low: must be < high (0.01), but got 0.1',
    );
    assert.equal(
      errorFor({ space: 'space:\n  learning_rate: { type: float, low: 0, high: 0.1, log: true }' }),
      'bad.yaml:18:33: space.learning_rate.low: must be > 0 for a log-scale parameter, but got 0',
    );
  });

  test('empty choices, conditions on missing parameters, wrong types', () => {
    assert.match(
      errorFor({ space: 'space:\n  activation: { type: categorical, choices: [] }' }),
      /space\.activation\.choices: must have at least 1 item\(s\), but got an empty list/,
    );
    assert.match(
      errorFor({ space: 'space:\n  beta1: { type: float, low: 0.8, high: 0.99, when: { optimizer: adam } }' }),
      /bad\.yaml:18:55: space\.beta1\.when\.optimizer: refers to a parameter that is not in the space/,
    );
    assert.match(
      errorFor({ training: 'training:\n  epochs: three' }),
      /bad\.yaml:\d+:\d+: training\.epochs: expected a number, but got "three"/,
    );
    assert.match(errorFor({ budget: 'budget: 4' }), /budget: expected a mapping, but got 4/);
    assert.match(
      errorFor({ budget: '' }),
      /^bad\.yaml:1:1: budget\.trials: is required: how many trials to run \(only a grid sweep can leave it out\)$/,
    );
  });

  test('space parameters must be settings, with values the setting accepts', () => {
    assert.match(
      errorFor({ space: 'space:\n  lr: { type: float, low: 0.001, high: 0.1 }' }),
      /space\.lr: is not a setting that can be searched \(expected one of: architecture, depth, width, activation, .*, pool, width_1\.\.width_10, channels_1\.\.channels_3, optimizer, learning_rate/,
    );
    assert.match(
      errorFor({ space: 'space:\n  activation: { type: categorical, choices: [relu, swish] }' }),
      /space\.activation\.choices\[1\]: expected one of "relu", .*, but got "swish" \(as a value of activation\)/,
    );
    assert.match(
      errorFor({ space: 'space:\n  width: { type: float, low: 8, high: 64 }' }),
      /space\.width\.type: width takes whole numbers: expected "int" or "categorical", but got "float"/,
    );
    assert.match(
      errorFor({ space: 'space:\n  depth: { type: int, low: 0, high: 20 }' }),
      /space\.depth\.high: must be <= 10, but got 20 \(as a value of depth\)/,
    );
    assert.match(
      errorFor({ space: 'space:\n  beta1: { type: float, low: 0.5, high: 1.5 }' }),
      /space\.beta1\.high: must be < 1, but got 1\.5/,
    );
  });

  test('RMSprop and a batch-size change are settings a sweep can fix or search', () => {
    const { definition } = parseSweep(
      tinySweepYaml({
        training: 'training:\n  epochs: 4\n  optimizer: rmsprop\n  batch_size: 100\n  batch_size_change_epoch: 3\n  batch_size_after: 500',
        space:
          'space:\n  rho: { type: categorical, choices: [0.5, 0.9] }\n  optimizer: { type: categorical, choices: [sgd, rmsprop, adam] }',
      }),
      'ok.yaml',
    );
    assert.equal(definition.task?.type === 'train' && definition.task.training.batch_size_after, 500);
    assert.match(
      errorFor({ training: 'training:\n  epochs: 4\n  batch_size_after: 500' }),
      /training\.batch_size_after: has no effect without training\.batch_size_change_epoch/,
    );
    assert.match(
      errorFor({ training: 'training:\n  epochs: 4\n  batch_size_change_epoch: 5\n  batch_size_after: 500' }),
      /training\.batch_size_change_epoch: must be between 2 and training\.epochs \(4\) .* but got 5/,
    );
    assert.match(
      errorFor({ training: 'training:\n  epochs: 4\n  batch_size_change_epoch: 3' }),
      /training\.batch_size_after: is required with training\.batch_size_change_epoch/,
    );
    assert.match(errorFor({ space: 'space:\n  rho: { type: float, low: 0.5, high: 1 }' }), /space\.rho\.high: must be < 1, but got 1/);
    assert.match(
      errorFor({
        training: 'training:\n  epochs: 4\n  lr_schedule: mi_relative\n  lr_min: 0.2\n  lr_max: 0.1',
        space: 'space:\n  width: { type: int, low: 8, high: 32 }',
      }),
      /bad\.yaml:\d+:\d+: training\.lr_max: must be at least lr_min \(0\.2\), but got 0\.1/,
    );
  });

  test('a split that leaves nothing to train on is refused up front', () => {
    assert.match(
      errorFor({ dataset: 'dataset:\n  name: bundled-mnist\n  limit: 500\n  validation: 300\n  test: 200' }),
      /dataset\.validation: validation \(300\) \+ test \(200\) must be < the 500 examples/,
    );
    assert.match(
      errorFor({ dataset: 'dataset:\n  name: bundled-mnist\n  limit: 20000\n  validation: 0.1' }),
      /dataset\.limit: must be at most 10000/,
    );
    assert.match(
      errorFor({ dataset: 'dataset:\n  name: emnist\n  validation: 0.1' }),
      /dataset\.name: expected one of "bundled-mnist", "mnist", "fashion-mnist", "emnist-balanced", "cifar-10", but got "emnist"/,
    );
  });

  test('bad YAML and bad files are clear errors', async () => {
    assert.match(errorFor({ budget: 'budget:\n  trials: [4' }), /^bad\.yaml:\d+:\d+: invalid YAML: /);
    assert.equal(
      errorFor({ study: 'study: no spaces allowed' }),
      'bad.yaml:1:1: study: expected a name of letters, digits, "_", "." and "-", but got "no spaces allowed"',
    );
    await assert.rejects(loadSweepFile('/nonexistent/sweep.yaml'), {
      name: 'ConfigError',
      message: '/nonexistent/sweep.yaml: cannot read the sweep file: no such file',
    });
    const dir = tempDir();
    const path = writeTinySweep(dir);
    assert.equal((await loadSweepFile(path)).source.path, path);
  });

  test('lists several problems together', () => {
    const message = errorFor({ budget: 'budget:\n  trials: 0', repeats: 'repeats: 0' });
    assert.match(message, /^2 problems:\n/);
    assert.match(message, /budget\.trials: must be >= 1, but got 0/);
    assert.match(message, /repeats: must be >= 1, but got 0/);
  });
});
