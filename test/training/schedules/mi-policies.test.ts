import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import type { ScheduleHistory } from '../../../src/training/schedules/learning-rate-schedule.js';
import { decideMiIxy, MI_IXY_DEFAULTS, miIxySchedule, type MiIxyParams } from '../../../src/training/schedules/mi-ixy-policy.js';
import {
  decideMiRelative,
  MI_RELATIVE_DEFAULTS,
  miRelativeSchedule,
  type MiRelativeParams,
} from '../../../src/training/schedules/mi-relative-policy.js';

const close = (actual: number, expected: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what} ${actual} vs ${expected}`);

/** LR_{t-1} = lr; IHYLL_{t-2} = before, IHYLL_{t-1} = last. */
function history(lr: number, before: number, last: number, ixy?: number): ScheduleHistory {
  return { learningRates: [0.001, lr], ihyll: [0.5, before, last], ...(ixy !== undefined && { ixy }) };
}

describe('mi_relative: LR from the relative change of IHYLL (report 003, appendix, first policy)', () => {
  const params: MiRelativeParams = { lrMin: 0.001, lrMax: 0.1, gamma1: 0.1, gamma2: 1, epsilon: 0.01 };

  test("the paper's MNIST values are the defaults", () => {
    assert.deepEqual(MI_RELATIVE_DEFAULTS, params);
  });

  test('LR_min until two IHYLL estimates exist, then from LR_min', () => {
    assert.deepEqual(decideMiRelative(params, { learningRates: [], ihyll: [] }), { learningRate: 0.001, rule: 'waiting' });
    assert.deepEqual(decideMiRelative(params, { learningRates: [0.001], ihyll: [1.2] }), { learningRate: 0.001, rule: 'waiting' });
    // No rate recorded yet (MI measured before the first epoch too): LR_{t-1} is LR_min.
    close(decideMiRelative(params, { learningRates: [], ihyll: [1, 2] }).learningRate, 0.001 + 0.1 * 0.5);
  });

  test('delta > epsilon: LR_{t-1} + gamma1 delta, capped at LR_max', () => {
    const up = decideMiRelative(params, history(0.01, 1.5, 2));
    assert.equal(up.rule, 'increase');
    close(up.delta ?? NaN, 0.25, 'delta = |2 - 1.5| / 2');
    close(up.learningRate, 0.01 + 0.1 * 0.25);
    assert.equal(decideMiRelative(params, history(0.09, 1, 2)).learningRate, 0.1, 'min(LR_max, 0.09 + 0.05)');
    // A fall counts as much as a rise: the change is an absolute value.
    close(decideMiRelative(params, history(0.01, 2.5, 2)).learningRate, 0.01 + 0.1 * 0.25);
  });

  test('delta <= epsilon (saturated): LR_{t-1} - gamma2 delta, floored at LR_min', () => {
    const down = decideMiRelative(params, history(0.05, 1.99, 2));
    assert.equal(down.rule, 'decrease');
    close(down.learningRate, 0.05 - 1 * 0.005);
    assert.equal(decideMiRelative(params, history(0.05, 2, 2)).learningRate, 0.05, 'delta = 0 <= epsilon: minus 0');
    assert.equal(decideMiRelative(params, history(0.002, 1.99, 2)).learningRate, 0.001, 'max(LR_min, 0.002 - 0.005)');
    assert.equal(
      decideMiRelative({ ...params, epsilon: 0.25 }, history(0.05, 1.5, 2)).rule,
      'decrease',
      'delta = epsilon exactly is saturated',
    );
  });

  test('IHYLL_{t-1} <= 0 leaves delta undefined: LR_{t-1} is kept', () => {
    assert.deepEqual(decideMiRelative(params, history(0.02, 0.1, -0.01)), { learningRate: 0.02, rule: 'hold' });
    assert.deepEqual(decideMiRelative(params, history(0.02, 0.1, 0)), { learningRate: 0.02, rule: 'hold' });
  });

  test('a run: rises while IHYLL grows, cools once it saturates, never leaves [LR_min, LR_max]', () => {
    const schedule = miRelativeSchedule(params);
    assert.deepEqual(schedule.measures, { ihyll: true, ixy: false });
    const ihyll = [0.2, 0.8, 1.4, 1.8, 2.0, 2.1, 2.11, 2.115, 2.117, 2.118];
    const learningRates: number[] = [];
    for (let epoch = 1; epoch <= ihyll.length; epoch++) {
      learningRates.push(schedule.learningRateFor(epoch, { learningRates, ihyll: ihyll.slice(0, epoch - 1) }));
    }
    assert.deepEqual(learningRates.slice(0, 2), [0.001, 0.001]);
    assert.ok(learningRates.every((lr) => lr >= 0.001 && lr <= 0.1));
    const peak = learningRates.indexOf(Math.max(...learningRates));
    assert.ok(peak > 2 && peak < learningRates.length - 1, `peaks mid-run: ${learningRates.join(', ')}`);
    assert.ok((learningRates.at(-1) as number) < (learningRates[peak] as number), 'cools down');
  });
});

describe('mi_ixy: LR from IHYLL and its change relative to IXY (report 003, appendix, second policy)', () => {
  const params: MiIxyParams = { lrMin: 0.001, lrMax: 0.1, gamma1: 0.1, gamma2: 0.1, gamma3: 0.1, epsilon: 0.01 };
  const IXY = 2;

  test("the paper's same-rate values are the defaults; it needs IHYLL and IXY measured", () => {
    assert.deepEqual(MI_IXY_DEFAULTS, params);
    assert.deepEqual(miIxySchedule().measures, { ihyll: true, ixy: true });
  });

  test('LR_min until two IHYLL estimates exist', () => {
    assert.deepEqual(decideMiIxy(params, { learningRates: [0.001], ihyll: [1], ixy: IXY }), { learningRate: 0.001, rule: 'waiting' });
  });

  test('row 1: d1 > 0 & d2 > eps: min(LR_max, LR_{t-1} + gamma1 d1)', () => {
    const decision = decideMiIxy(params, history(0.01, 0.5, 1, IXY));
    assert.equal(decision.rule, 'row1');
    close(decision.d1 ?? NaN, 0.5, 'd1 = 1 - 1/2');
    close(decision.d2 ?? NaN, 0.5, 'd2 = |1 - 0.5| / 1');
    close(decision.learningRate, 0.01 + 0.1 * 0.5);
    assert.equal(decideMiIxy(params, history(0.08, 0.5, 1, IXY)).learningRate, 0.1, 'capped at LR_max');
  });

  test('row 2 as printed: d1 <= 0 & d2 <= eps: max(LR_min, LR_{t-1} - gamma2 d1), a rise with no LR_max cap', () => {
    const decision = decideMiIxy(params, history(0.05, 2.4, 2.4, IXY));
    assert.equal(decision.rule, 'row2');
    close(decision.d1 ?? NaN, -0.2);
    close(decision.learningRate, 0.05 + 0.1 * 0.2);
    assert.equal(decideMiIxy(params, history(0.05, 2, 2, IXY)).rule, 'row2', 'd1 = 0, d2 = 0');
    close(decideMiIxy(params, history(0.099, 4, 4, IXY)).learningRate, 0.099 + 0.1 * 1, 'above LR_max, as printed');
  });

  test('row 3: d1 < 0 & d2 > eps: max(LR_min, LR_{t-1} + gamma3 d1)', () => {
    const decision = decideMiIxy(params, history(0.05, 2.2, 2.5, IXY));
    assert.equal(decision.rule, 'row3');
    close(decision.learningRate, 0.05 + 0.1 * (1 - 2.5 / 2));
    assert.equal(decideMiIxy(params, history(0.01, 2, 3, IXY)).learningRate, 0.001, 'floored at LR_min');
  });

  test("row 4 repeats row 2's condition, so it never decides: first match wins", () => {
    // Any d1 <= 0 & d2 <= eps goes to row 2; row 4 (LR + gamma3 d1) would have lowered the rate.
    for (const [before, last] of [
      [2.5, 2.5],
      [3, 3.01],
      [2, 2],
    ] as const) {
      const decision = decideMiIxy({ ...params, gamma3: 0.5 }, history(0.05, before, last, IXY));
      assert.equal(decision.rule, 'row2');
      assert.ok(decision.learningRate >= 0.05);
    }
  });

  test('left out by the table: d1 > 0 & d2 <= eps lowers the rate by gamma2 d1 (the text\'s "thereafter it decreases")', () => {
    const decision = decideMiIxy(params, history(0.05, 1.5, 1.5, IXY));
    assert.equal(decision.rule, 'below-saturated');
    close(decision.learningRate, 0.05 - 0.1 * 0.25);
    assert.equal(decideMiIxy(params, history(0.002, 1, 1, IXY)).learningRate, 0.001, 'floored at LR_min');
  });

  test('left out by the table: d1 = 0 exactly with d2 > eps keeps the rate; so does IHYLL_{t-1} <= 0', () => {
    assert.deepEqual(decideMiIxy(params, history(0.03, 1, 2, IXY)), { learningRate: 0.03, rule: 'hold', d1: 0, d2: 0.5 });
    assert.deepEqual(decideMiIxy(params, history(0.03, 0.2, -0.05, IXY)), { learningRate: 0.03, rule: 'hold' });
  });

  test('IXY must be given and positive once the policy decides', () => {
    for (const ixy of [undefined, 0, -1, Number.NaN]) {
      assert.throws(
        () => decideMiIxy(params, history(0.01, 1, 1.2, ixy)),
        (e: unknown) =>
          e instanceof InvalidArgumentError && /history\.ixy must be a positive estimate of I\(X;Y\) for the mi_ixy policy/.test(e.message),
      );
    }
  });

  test('bounds: lr_min > 0 and lr_max >= lr_min, named in the message', () => {
    assert.throws(() => miIxySchedule({ ...params, lrMin: 0 }), /lr_min must be > 0 for the MI policies .*, but got 0/);
    assert.throws(
      () => miRelativeSchedule({ ...MI_RELATIVE_DEFAULTS, lrMax: 0.0005 }),
      /lr_max must be at least lr_min \(0\.001\), but got 0\.0005/,
    );
    assert.throws(
      () => decideMiIxy(params, { learningRates: [], ihyll: [1, Number.NaN], ixy: 2 }),
      /history\.ihyll must hold finite estimates, but the last two are 1 and NaN/,
    );
  });
});
