import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { constantSchedule, cosineSchedule, stepSchedule, warmupSchedule } from '../../../src/training/schedules/fixed-schedules.js';
import { EMPTY_HISTORY, type LearningRateSchedule } from '../../../src/training/schedules/learning-rate-schedule.js';

function rates(schedule: LearningRateSchedule, epochs: number): number[] {
  return Array.from({ length: epochs }, (_, i) => schedule.learningRateFor(i + 1, EMPTY_HISTORY));
}

function assertClose(actual: readonly number[], expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => assert.ok(Math.abs(value - (expected[i] as number)) < 1e-12, `epoch ${i + 1}: ${value} vs ${expected[i]}`));
}

describe('schedules that depend on the epoch only', () => {
  test('constant', () => {
    assert.deepEqual(rates(constantSchedule(0.01), 3), [0.01, 0.01, 0.01]);
    assert.deepEqual(constantSchedule(0.01).measures, { ihyll: false, ixy: false });
  });

  test('warm-up as in report 003: 0.001 to 0.01 over 5 epochs, then 0.01', () => {
    assertClose(rates(warmupSchedule(0.01, 0.001, 5), 7), [0.001, 0.0028, 0.0046, 0.0064, 0.0082, 0.01, 0.01]);
    assertClose(rates(warmupSchedule(0.01, 0.001, 1), 2), [0.001, 0.01]);
  });

  test('step: x factor every `every` epochs', () => {
    assertClose(rates(stepSchedule(0.1, 2, 0.5), 5), [0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  test('cosine: from learning_rate down towards lr_min over the epochs, half-way at the middle', () => {
    const cosine = rates(cosineSchedule({ learningRate: 0.1, min: 0.001, epochs: 4 }), 4);
    assertClose(cosine, [0.1, 0.001 + (0.099 * (1 + Math.SQRT1_2)) / 2, 0.0505, 0.001 + (0.099 * (1 - Math.SQRT1_2)) / 2]);
    assert.ok(
      cosine.every((r, i) => i === 0 || r < (cosine[i - 1] as number)),
      'strictly decreasing',
    );
    // Past the configured epochs (a resumed run given more) it stays at the floor.
    assert.equal(cosineSchedule({ learningRate: 0.1, min: 0.001, epochs: 4 }).learningRateFor(9, EMPTY_HISTORY), 0.001);
  });

  test('cosine with warm-up: the warm-up first, then the decay over the remaining epochs', () => {
    const schedule = cosineSchedule({ learningRate: 0.1, min: 0, epochs: 6, warmupEpochs: 2, warmupFrom: 0.02 });
    assertClose(rates(schedule, 6), [0.02, 0.06, 0.1, 0.05 * (1 + Math.SQRT1_2), 0.05, 0.05 * (1 - Math.SQRT1_2)]);
  });

  test('epochs are whole and start at 1', () => {
    for (const epoch of [0, 1.5, -1, Number.NaN]) {
      assert.throws(
        () => constantSchedule(0.1).learningRateFor(epoch, EMPTY_HISTORY),
        (e: unknown) => e instanceof InvalidArgumentError && /epoch must be an integer >= 1, but got/.test(e.message),
      );
    }
  });
});
