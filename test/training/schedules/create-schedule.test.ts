import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { DEFAULT_TRAINING, type TrainingConfig } from '../../../src/training/settings.js';
import { createSchedule } from '../../../src/training/schedules/create-schedule.js';
import { EMPTY_HISTORY } from '../../../src/training/schedules/learning-rate-schedule.js';

const BASE: TrainingConfig = { ...DEFAULT_TRAINING, epochs: 10, learning_rate: 0.01 };

function refused(settings: Partial<TrainingConfig>, pattern: RegExp): void {
  assert.throws(
    () => createSchedule({ ...BASE, ...settings }),
    (error: unknown) => error instanceof InvalidArgumentError && pattern.test(error.message),
  );
}

describe("createSchedule: a trial's training settings to its schedule", () => {
  test('the default is a constant learning_rate, measuring nothing', () => {
    const schedule = createSchedule(BASE);
    assert.equal(schedule.learningRateFor(7, EMPTY_HISTORY), 0.01);
    assert.deepEqual(schedule.measures, { ihyll: false, ixy: false });
  });

  test('each schedule reads its own settings', () => {
    const warmup = createSchedule({ ...BASE, lr_schedule: 'warmup', warmup_from: 0.001, warmup_epochs: 5 });
    assert.equal(warmup.learningRateFor(1, EMPTY_HISTORY), 0.001);
    assert.equal(warmup.learningRateFor(6, EMPTY_HISTORY), 0.01);
    const step = createSchedule({ ...BASE, lr_schedule: 'step', step_every: 3, step_factor: 0.5 });
    assert.equal(step.learningRateFor(4, EMPTY_HISTORY), 0.005);
    const cosine = createSchedule({ ...BASE, lr_schedule: 'cosine', lr_min: 0 });
    assert.equal(cosine.learningRateFor(1, EMPTY_HISTORY), 0.01);
    assert.ok(Math.abs(cosine.learningRateFor(6, EMPTY_HISTORY) - 0.005) < 1e-15, 'half-way at epoch 6 of 10');
    const warmupCosine = createSchedule({ ...BASE, lr_schedule: 'warmup_cosine', lr_min: 0, warmup_from: 0.002, warmup_epochs: 2 });
    assert.deepEqual(
      [1, 3].map((e) => warmupCosine.learningRateFor(e, EMPTY_HISTORY)),
      [0.002, 0.01],
    );
  });

  test("the MI policies: each with the paper's gammas unless set", () => {
    const history = { learningRates: [0.001, 0.001], ihyll: [1, 2], ixy: 4 };
    // mi_relative: delta = 0.5 > eps, + gamma1 (0.1) x 0.5.
    assert.ok(Math.abs(createSchedule({ ...BASE, lr_schedule: 'mi_relative' }).learningRateFor(3, history) - 0.051) < 1e-15);
    assert.ok(
      Math.abs(createSchedule({ ...BASE, lr_schedule: 'mi_relative', mi_gamma1: 0.01 }).learningRateFor(3, history) - 0.006) < 1e-15,
    );
    // mi_relative decreases with gamma2 = 1 by default, mi_ixy with 0.1.
    const saturated = { learningRates: [0.05], ihyll: [2, 2.01], ixy: 2.2 };
    const relative = createSchedule({ ...BASE, lr_schedule: 'mi_relative' }).learningRateFor(2, saturated);
    assert.ok(Math.abs(relative - (0.05 - 0.01 / 2.01)) < 1e-15);
    const ixy = createSchedule({ ...BASE, lr_schedule: 'mi_ixy' });
    assert.deepEqual(ixy.measures, { ihyll: true, ixy: true });
    assert.ok(Math.abs(ixy.learningRateFor(2, saturated) - (0.05 - 0.1 * (1 - 2.01 / 2.2))) < 1e-15);
    assert.equal(
      createSchedule({ ...BASE, lr_schedule: 'mi_ixy', lr_min: 0.002 }).learningRateFor(1, EMPTY_HISTORY),
      0.002,
      'starts at lr_min',
    );
  });

  test('combinations that cannot work are refused, naming the setting and what it must be', () => {
    refused({ lr_schedule: 'mi_relative', lr_min: 0.2, lr_max: 0.1 }, /^lr_max must be at least lr_min \(0\.2\), but got 0\.1$/);
    refused({ lr_schedule: 'mi_ixy', lr_min: 0 }, /^lr_min must be > 0 for the MI policies/);
    refused({ lr_schedule: 'mi_ixy', mi_samples: 10, mi_neighbours: 10 }, /^mi_neighbours must be below mi_samples \(10\), but got 10$/);
    refused(
      { lr_schedule: 'cosine', lr_min: 0.05 },
      /^lr_min must be at most learning_rate \(0\.01\) for the cosine schedule, which decays to it, but got 0\.05$/,
    );
    refused({ lr_schedule: 'warmup_cosine', lr_min: 0.05 }, /warmup_cosine schedule/);
    // Settings the schedule does not read are not checked: lr_min > lr_max is fine for constant.
    assert.doesNotThrow(() => createSchedule({ ...BASE, lr_min: 0.2, lr_max: 0.1 }));
  });
});
