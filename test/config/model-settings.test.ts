import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { DEFAULT_MODEL } from '../../src/training/settings.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import { trainingTaskSchema } from '../../src/training/training-task-schema.js';
import { resolveTrialConfig } from '../../src/training/trial-config.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const SPACE = 'space:\n  learning_rate: { type: float, low: 0.001, high: 0.1, log: true }';

function modelOf(model: string, space = SPACE): TrainingTask['model'] {
  const { definition } = parseSweep(tinySweepYaml({ model, space }), 'ok.yaml');
  assert.equal(definition.task?.type, 'train');
  return definition.task.model;
}

describe('model settings in sweep files', () => {
  test("defaults are reference report 000's baseline; every setting can be fixed", () => {
    assert.deepEqual(modelOf(''), DEFAULT_MODEL);
    assert.deepEqual(DEFAULT_MODEL, {
      architecture: 'mlp',
      depth: 2,
      width: 100,
      activation: 'relu',
      leaky_alpha: 0.01,
      elu_alpha: 1,
      initializer: 'glorot',
      l2: 0,
      dropout: 0,
      batch_norm: false,
      conv_layers: 1,
      channels: 10,
      kernel: 5,
      padding: 'same',
      pool: 2,
    });
    const model = modelOf(
      'model:\n  architecture: cnn\n  conv_layers: 2\n  channels_1: 5\n  channels_2: 10\n  kernel: 5\n  padding: same\n  pool: 2\n  depth: 1\n  width: 150\n  activation: elu\n  elu_alpha: 0.5\n  initializer: he\n  l2: 1.0e-4\n  dropout: 0.25\n  batch_norm: true',
    );
    assert.deepEqual(model, {
      ...DEFAULT_MODEL,
      architecture: 'cnn',
      conv_layers: 2,
      channels_1: 5,
      channels_2: 10,
      depth: 1,
      width: 150,
      activation: 'elu',
      elu_alpha: 0.5,
      initializer: 'he',
      l2: 1e-4,
      dropout: 0.25,
      batch_norm: true,
    });
  });

  test('widths: one per hidden layer, standing for width_1, width_2, ...; depth follows the list', () => {
    assert.deepEqual(modelOf('model:\n  widths: [512, 256]'), { ...DEFAULT_MODEL, depth: 2, width_1: 512, width_2: 256 });
    assert.deepEqual(modelOf('model:\n  widths: [64, 32, 16]'), { ...DEFAULT_MODEL, depth: 3, width_1: 64, width_2: 32, width_3: 16 });
    const searched = modelOf('model:\n  widths: [64, 32, 16]', 'space:\n  depth: { type: int, low: 1, high: 3 }');
    assert.equal(searched.width_3, 16);
  });

  test('the model settings can be searched, including per-layer widths, booleans and the architecture', () => {
    const space = [
      'space:',
      '  architecture: { type: categorical, choices: [mlp, cnn] }',
      '  depth: { type: int, low: 1, high: 3 }',
      '  width_1: { type: int, low: 16, high: 64 }',
      '  width_3: { type: categorical, choices: [8, 16] }',
      '  batch_norm: { type: categorical, choices: [true, false] }',
      '  initializer: { type: categorical, choices: [glorot, fan_in, fan_out, selu, he] }',
      '  l2: { type: float, low: 1.0e-5, high: 0.1, log: true }',
      '  dropout: { type: categorical, choices: [0, 0.25, 0.5] }',
      '  channels: { type: int, low: 4, high: 16, when: { architecture: cnn } }',
    ].join('\n');
    const { definition } = parseSweep(tinySweepYaml({ space }), 'ok.yaml');
    assert.deepEqual(Object.keys(definition.space).sort(), [
      'architecture',
      'batch_norm',
      'channels',
      'depth',
      'dropout',
      'initializer',
      'l2',
      'width_1',
      'width_3',
    ]);
  });

  test('bad values name the field and what was expected', () => {
    assert.match(
      sweepErrorFor({ model: 'model:\n  initializer: xavier' }),
      /model\.initializer: expected one of "glorot", "fan_in", "fan_out", "selu", "he", but got "xavier"/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  initialiser: glorot' }),
      /model\.initialiser: unknown field \(expected one of: architecture, .*initializer.*\)/,
    );
    assert.match(sweepErrorFor({ model: 'model:\n  type: mlp' }), /model\.type: unknown field \(expected one of: architecture, /);
    assert.match(sweepErrorFor({ model: 'model:\n  dropout: 1' }), /model\.dropout: must be < 1, but got 1/);
    assert.match(sweepErrorFor({ model: 'model:\n  l2: -0.1' }), /model\.l2: must be >= 0, but got -0\.1/);
    assert.match(sweepErrorFor({ model: 'model:\n  batch_norm: yes' }), /model\.batch_norm: expected true or false, but got "yes"/);
    assert.match(
      sweepErrorFor({ model: 'model:\n  architecture: resnet' }),
      /model\.architecture: expected one of "mlp", "cnn", but got "resnet"/,
    );
    assert.match(sweepErrorFor({ model: 'model:\n  widths: []' }), /model\.widths: must have at least 1 item\(s\), but got an empty list/);
    assert.match(sweepErrorFor({ model: 'model:\n  widths: [64, 0]' }), /model\.widths\[1\]: must be >= 1, but got 0/);
    assert.match(sweepErrorFor({ model: 'model:\n  architecture: cnn\n  conv_layers: 4' }), /model\.conv_layers: must be <= 3, but got 4/);
    assert.match(
      sweepErrorFor({ model: 'model:\n  architecture: cnn\n  padding: full' }),
      /model\.padding: expected one of "same", "valid", but got "full"/,
    );
    assert.match(
      sweepErrorFor({ space: 'space:\n  width_11: { type: int, low: 8, high: 16 }' }),
      /space\.width_11: is not a setting that can be searched/,
    );
    assert.match(
      sweepErrorFor({ space: 'space:\n  channels_2: { type: float, low: 8, high: 16 }' }),
      /space\.channels_2\.type: channels_2 takes whole numbers/,
    );
  });

  test('settings no trial would use are errors, not silently ignored', () => {
    assert.match(
      sweepErrorFor({ model: 'model:\n  depth: 2\n  width_4: 64' }),
      /bad\.yaml:\d+:\d+: model\.width_4: is never used: depth is at most 2/,
    );
    assert.match(
      sweepErrorFor({
        model: 'model:\n  depth: 2',
        space: 'space:\n  depth: { type: int, low: 1, high: 3 }\n  width_4: { type: int, low: 8, high: 64 }',
      }),
      /space\.width_4: is never used: depth is at most 3/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  channels: 16' }),
      /model\.channels: is never used: it applies to CNNs, but architecture is mlp, not cnn/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  architecture: cnn\n  channels_2: 16' }),
      /model\.channels_2: is never used: conv_layers is at most 1/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  leaky_alpha: 0.2' }),
      /model\.leaky_alpha: is never used: activation is relu, not leaky_relu/,
    );
    assert.match(
      sweepErrorFor({
        model: 'model:\n  depth: 1',
        space: 'space:\n  activation: { type: categorical, choices: [relu, selu] }\n  elu_alpha: { type: float, low: 0.5, high: 2 }',
      }),
      /space\.elu_alpha: is never used: space\.activation never chooses elu/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  depth: 3\n  widths: [64, 32]' }),
      /model\.widths: lists 2 width\(s\), but depth is 3: give one width per hidden layer/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  widths: [64, 32]', space: 'space:\n  depth: { type: int, low: 1, high: 4 }' }),
      /model\.widths: lists 2 width\(s\), but space\.depth reaches 4/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  widths: [64, 32]\n  width_2: 8' }),
      /model\.width_2: cannot be given with model\.widths/,
    );
    assert.match(
      sweepErrorFor({ model: 'model:\n  architecture: cnn\n  conv_layers: 3\n  padding: valid' }),
      /model\.conv_layers: conv block 3 of 3 leaves no pixels of the 28x28 image \(kernel 5, padding valid, pool 2\)/,
    );
  });
});

describe('model settings after the sweep file', () => {
  const task = trainingTaskSchema.parse({
    type: 'train',
    dataset: { name: 'bundled-mnist', validation: 100, test: 0, seed: 1 },
    model: { ...DEFAULT_MODEL, depth: 2 },
    training: { epochs: 1, optimizer: 'adam', learning_rate: 0.01, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, batch_size: 50 },
  }) as TrainingTask;

  test("a trial's parameters override the model settings, per-layer widths included", () => {
    const config = resolveTrialConfig(task, { depth: 3, width_3: 24, batch_norm: true, architecture: 'cnn', channels_1: 6 });
    assert.deepEqual(config.model, { ...DEFAULT_MODEL, depth: 3, width_3: 24, batch_norm: true, architecture: 'cnn', channels_1: 6 });
    assert.throws(() => resolveTrialConfig(task, { dropout: 1 }), /parameter dropout cannot be 1/);
    assert.throws(() => resolveTrialConfig(task, { width_3: 0 }), /parameter width_3 cannot be 0/);
  });

  test('a task stored before architectures existed still runs, as the same MLP', () => {
    const stored = { ...task, model: { type: 'mlp', depth: 1, width: 16, activation: 'tanh' } };
    assert.deepEqual(trainingTaskSchema.parse(stored).model, { ...DEFAULT_MODEL, depth: 1, width: 16, activation: 'tanh' });
    assert.equal(
      trainingTaskSchema.safeParse({ ...task, model: { ...DEFAULT_MODEL, widths: [3] } }).success,
      false,
      'the wire form has no widths list',
    );
  });
});
