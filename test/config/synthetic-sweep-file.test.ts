import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSweepFile, parseSweep } from '../../src/config/load-sweep-file.js';
import type { StudyDefinition } from '../../src/store/study-definition.js';
import type { SyntheticTask } from '../../src/synthetic/synthetic-task.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

/** The tiny sweep with its training sections replaced by a `synthetic:` section. */
const synthetic = (section: string, overrides: Record<string, string> = {}): Record<string, string> => ({
  dataset: '',
  model: '',
  training: '',
  synthetic: `synthetic:\n${section}`,
  ...overrides,
});

function syntheticTask(definition: StudyDefinition): SyntheticTask {
  assert.equal(definition.task?.type, 'synthetic');
  return definition.task;
}

describe('sweep files with a synthetic: section', () => {
  test('normalise to a synthetic task: defaults filled, the optimum completed from the space', () => {
    const yaml = tinySweepYaml(synthetic('  epochs: 3\n  epoch_seconds: 0.5\n  optimum: { learning_rate: 0.02, optimizer: adam }'));
    const { definition } = parseSweep(yaml, 'ok.yaml');
    const task = syntheticTask(definition);
    assert.equal(task.epochs, 3);
    assert.equal(task.epochSeconds, 0.5);
    assert.equal(task.noise, 0);
    assert.equal(task.optimum.learning_rate, 0.02);
    assert.equal(task.optimum.optimizer, 'adam');
    assert.equal(task.optimum.momentum, 0.45, 'the middle of [0, 0.9]');
    assert.equal(task.optimum.width, 24, 'the middle of [8, 32], on the step-8 grid');
    assert.deepEqual(task.scales, {
      optimizer: { choices: ['sgd', 'adam'] },
      learning_rate: { low: 0.001, high: 0.1, log: true },
      momentum: { low: 0, high: 0.9, log: false },
      width: { low: 8, high: 32, log: false },
    });
  });

  test('space parameters may have any name: they need not be model or training settings', () => {
    const space = 'space:\n  x: { type: float, low: -5, high: 5 }\n  kind: { type: categorical, choices: [a, b] }';
    const { definition } = parseSweep(tinySweepYaml(synthetic('  epochs: 1\n  noise: 0.2', { space })), 'ok.yaml');
    assert.deepEqual(syntheticTask(definition).optimum, { x: 0, kind: 'a' });
    assert.equal(syntheticTask(definition).noise, 0.2);
  });

  test('sweeps/synthetic.yaml has the documented optimum', async () => {
    const { definition } = await loadSweepFile(fileURLToPath(new URL('../../../sweeps/synthetic.yaml', import.meta.url)));
    const task = syntheticTask(definition);
    assert.deepEqual(task.optimum, { learning_rate: 0.01, width: 64, optimizer: 'adam' });
    assert.equal(definition.budget.trials, 30);
  });

  test('a file with both a synthetic: section and a training task is refused, naming the field', () => {
    assert.equal(
      sweepErrorFor({ synthetic: 'synthetic:\n  epochs: 3' }),
      'bad.yaml:24:1: synthetic: cannot be combined with dataset, model and training: a sweep either trains a built-in model (dataset and training), runs your program (command), calls your JavaScript module (module) or runs the synthetic task (synthetic), only one of them',
    );
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3', { model: 'model:\n  depth: 1' })),
      /^bad\.yaml:\d+:1: synthetic: cannot be combined with model: /,
    );
  });

  test('a file with neither is refused, naming what is missing', () => {
    const message = sweepErrorFor({ dataset: '', model: '', training: '' });
    assert.equal(
      message,
      [
        '2 problems:',
        'bad.yaml:1:1: dataset: is required: a sweep either trains a built-in model (dataset and training), runs your program (command), calls your JavaScript module (module) or runs the synthetic task (synthetic)',
        'bad.yaml:1:1: training: is required: a sweep either trains a built-in model (dataset and training), runs your program (command), calls your JavaScript module (module) or runs the synthetic task (synthetic)',
      ].join('\n'),
    );
    assert.match(sweepErrorFor({ training: '' }), /^bad\.yaml:1:1: training: is required: a sweep either trains a built-in model/);
  });

  test('the optimum must name parameters of the space', () => {
    assert.equal(
      sweepErrorFor(synthetic('  epochs: 3\n  optimum: { lr: 0.01 }')),
      'bad.yaml:12:14: synthetic.optimum.lr: is not a parameter of the space (expected one of: optimizer, learning_rate, momentum, width)',
    );
  });

  test('the optimum must give values the parameters can take', () => {
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3\n  optimum: { learning_rate: 5 }')),
      /^bad\.yaml:12:14: synthetic\.optimum\.learning_rate: must be within \[0\.001, 0\.1\], but got 5 \(as a value of learning_rate\)$/,
    );
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3\n  optimum: { optimizer: rmsprop }')),
      /synthetic\.optimum\.optimizer: expected one of "sgd", "adam", but got "rmsprop"/,
    );
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3\n  optimum: { width: 20 }')),
      /synthetic\.optimum\.width: must be 8 \+ k \* 8, but got 20/,
    );
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3\n  optimum: { learning_rate: [0.01] }')),
      /synthetic\.optimum\.learning_rate: expected a string or a number or true or false, but got a list of 1/,
    );
  });

  test('bad settings name the field, the bound and the value', () => {
    assert.equal(
      sweepErrorFor(synthetic('  epochs: 3\n  epoch_seconds: -1')),
      'bad.yaml:12:3: synthetic.epoch_seconds: must be >= 0, but got -1',
    );
    assert.match(sweepErrorFor(synthetic('  epochs: 0')), /synthetic\.epochs: must be >= 1, but got 0/);
    assert.match(sweepErrorFor(synthetic('  epoch_seconds: 1')), /synthetic\.epochs: is required \(expected a number\)/);
    assert.match(sweepErrorFor(synthetic('  epochs: 3\n  noise: -0.1')), /synthetic\.noise: must be >= 0, but got -0\.1/);
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3\n  epoch_seconds: 1.0e+9')),
      /synthetic\.epoch_seconds: must be <= 86400, but got 1000000000/,
    );
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3\n  epoch_secs: 1')),
      /synthetic\.epoch_secs: unknown field \(expected one of: epochs, epoch_seconds, noise, optimum\)/,
    );
  });

  test('a Hyperband pruner defaults its max_resource to synthetic.epochs', () => {
    assert.match(
      sweepErrorFor(synthetic('  epochs: 3', { pruner: 'pruner:\n  type: hyperband\n  min_resource: 5' })),
      /pruner\.min_resource: must be at most max_resource, which defaults to synthetic\.epochs \(3\), but got 5/,
    );
    const { definition } = parseSweep(tinySweepYaml(synthetic('  epochs: 9', { pruner: 'pruner:\n  type: hyperband' })), 'ok.yaml');
    assert.equal(definition.pruner?.type === 'hyperband' && definition.pruner.maxResource, 9);
  });
});
