import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import { resolveTrialConfig } from '../../src/training/trial-config.js';
import { createSchedule } from '../../src/training/schedules/create-schedule.js';
import { EMPTY_HISTORY } from '../../src/training/schedules/learning-rate-schedule.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const WARMUP_TRAINING =
  'training:\n  epochs: 6\n  optimizer: sgd\n  learning_rate: 0.01\n  lr_schedule: warmup\n  warmup_from: 0.001\n  warmup_epochs: 5';

function trainingTask(text: string): TrainingTask {
  const task = parseSweep(text, 'ok.yaml').definition.task;
  assert.equal(task?.type, 'train');
  return task;
}

describe('sweep files: learning-rate schedule settings', () => {
  test('training: { lr_schedule: warmup, warmup_from, warmup_epochs } loads, with a space over lr_min and mi_gamma1', () => {
    const space =
      'space:\n  lr_min: { type: float, low: 0.0001, high: 0.01, log: true }\n  mi_gamma1: { type: float, low: 0.01, high: 0.1 }';
    const definition = parseSweep(tinySweepYaml({ training: WARMUP_TRAINING, space }), 'ok.yaml').definition;
    assert.deepEqual(Object.keys(definition.space), ['lr_min', 'mi_gamma1']);
    const task = trainingTask(tinySweepYaml({ training: WARMUP_TRAINING, space }));
    assert.equal(task.training.lr_schedule, 'warmup');
    assert.equal(task.training.warmup_from, 0.001);
    assert.equal(task.training.warmup_epochs, 5);
    assert.equal(task.training.mi_samples, 1000, 'defaults fill the rest');
    assert.equal(task.training.mi_gamma1, undefined, 'the gammas default per policy, so stay unset');
    const trial = resolveTrialConfig(task, { lr_min: 0.002, mi_gamma1: 0.05 });
    assert.equal(trial.training.lr_min, 0.002);
    assert.equal(trial.training.mi_gamma1, 0.05);
    assert.equal(createSchedule(trial.training).learningRateFor(6, EMPTY_HISTORY), 0.01);
  });

  test('the schedule itself can be searched', () => {
    const space =
      'space:\n  lr_schedule: { type: categorical, choices: [constant, warmup, mi_relative, mi_ixy] }\n  mi_neighbours: { type: int, low: 2, high: 5 }\n  warmup_epochs: { type: int, low: 1, high: 5, when: { lr_schedule: warmup } }';
    const definition = parseSweep(tinySweepYaml({ space }), 'ok.yaml').definition;
    assert.deepEqual(definition.space.warmup_epochs?.when, { lr_schedule: ['warmup'] });
  });

  test('bad values name the field', () => {
    assert.match(
      sweepErrorFor({ training: `${WARMUP_TRAINING.replace('warmup_epochs: 5', 'warmup_epochs: 0')}` }),
      /training\.warmup_epochs: must be >= 1, but got 0/,
    );
    assert.match(
      sweepErrorFor({ training: 'training:\n  epochs: 2\n  lr_schedule: linear' }),
      /training\.lr_schedule: expected one of "constant", "warmup", "step", "cosine", "warmup_cosine", "mi_relative", "mi_ixy", but got "linear"/,
    );
    assert.match(
      sweepErrorFor({ space: 'space:\n  mi_samples: { type: float, low: 100, high: 1000 }' }),
      /space\.mi_samples\.type: mi_samples takes whole numbers/,
    );
    assert.match(
      sweepErrorFor({ space: 'space:\n  lr_max: { type: float, low: 0, high: 0.1 }' }),
      /space\.lr_max\.low: must be > 0, but got 0 \(as a value of lr_max\)/,
    );
    assert.match(
      sweepErrorFor({ space: 'space:\n  mi_gamma2: { type: float, low: -1, high: 1 }' }),
      /space\.mi_gamma2\.low: must be > 0, but got -1/,
    );
  });
});
