import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrialCurve } from '../../src/pruners/pruner.js';
import { SuccessiveHalvingPruner } from '../../src/pruners/successive-halving-pruner.js';
import type { Direction } from '../../src/core/direction.js';
import { contextFor, curve } from './curves.js';

function prunes(
  pruner: SuccessiveHalvingPruner,
  values: readonly (number | undefined)[],
  trials: readonly TrialCurve[],
  direction: Direction = 'maximize',
): boolean {
  return pruner.decide(contextFor(direction, values, trials, 100)).prune;
}

/** Trials that reached epoch 1 with these values; states vary, as ASHA compares all of them. */
function atFirstRung(...values: number[]): TrialCurve[] {
  const states = ['COMPLETE', 'PRUNED', 'RUNNING', 'FAILED'] as const;
  return values.map((value, number) => curve(number, states[number % states.length] ?? 'COMPLETE', [value]));
}

describe('SuccessiveHalvingPruner (ASHA)', () => {
  test('Optuna 3.1 defaults, and rungs at min_resource * reduction_factor^(rate + rung)', () => {
    const defaults = new SuccessiveHalvingPruner();
    assert.equal(defaults.name, 'asha');
    assert.deepEqual(defaults.settings, { minResource: 1, reductionFactor: 4, minEarlyStoppingRate: 0 });
    assert.deepEqual(
      [0, 1, 2].map((rung) => defaults.rungStep(rung)),
      [1, 4, 16],
    );
    const custom = new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 });
    assert.deepEqual(
      [0, 1, 2].map((rung) => custom.rungStep(rung)),
      [6, 18, 54],
    );
  });

  test('keeps the best floor(n / reduction_factor) of the n trials at a rung, itself included', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    // With the new trial, n = 4: the best 2 go on, so 0.8 is the bar.
    const others = atFirstRung(0.9, 0.8, 0.7);
    assert.equal(prunes(pruner, [0.79], others), true);
    assert.equal(prunes(pruner, [0.8], others), false, 'a tie with the bar is promoted');
    // Minimize: the bar is the second smallest.
    assert.equal(prunes(pruner, [0.81], others, 'minimize'), true);
    assert.equal(prunes(pruner, [0.8], others, 'minimize'), false);
    // n = 5, floor(5 / 2) = 2: still the best 2.
    assert.equal(prunes(pruner, [0.79], atFirstRung(0.9, 0.8, 0.7, 0.1)), true);
    assert.equal(prunes(pruner, [0.8], atFirstRung(0.9, 0.8, 0.7, 0.1)), false);
  });

  test('with reduction factor 3 and 7 trials at the rung, the best 2 go on', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 3 });
    const others = atFirstRung(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
    assert.equal(prunes(pruner, [0.49], others), true);
    assert.equal(prunes(pruner, [0.5], others), false);
    assert.equal(prunes(pruner, [0.2], others, 'minimize'), false);
    assert.equal(prunes(pruner, [0.21], others, 'minimize'), true);
  });

  test('with fewer trials than the reduction factor, only a match for the best goes on', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 4 });
    assert.equal(prunes(pruner, [0.1], []), false, 'the first trial at a rung always goes on');
    assert.equal(prunes(pruner, [0.5], atFirstRung(0.6, 0.2)), true);
    assert.equal(prunes(pruner, [0.6], atFirstRung(0.6, 0.2)), false);
  });

  test('decides only at the step that completes a rung', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    const leaders = [0, 1, 2].map((number) => curve(number, 'COMPLETE', [0.9, 0.9, 0.9, 0.9, 0.9]));
    // Rungs at 1, 2, 4: a trial that stayed behind is judged at 2 and 4, not at 3 or 5.
    const judged = [2, 3, 4, 5].filter((epoch) => prunes(pruner, [0.95, ...Array<number>(epoch - 1).fill(0.1)], leaders));
    assert.deepEqual(judged, [2, 4]);
  });

  test('compares at the rung the trials that reached it: by value at that step, NaN excluded', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    const trials = [
      curve(0, 'PRUNED', [0.9]), // stopped at rung 0: not at rung 1
      curve(1, 'COMPLETE', [0.1, 0.5, 0.9, 0.9]),
      curve(2, 'RUNNING', [0.1, 0.6]),
      curve(3, 'FAILED', [0.1, Number.NaN]), // a NaN never reached a rung in Optuna
    ];
    // At rung 1 (epoch 2): 0.5, 0.6 and the trial's own: n = 3, only the best goes on.
    assert.equal(prunes(pruner, [0.1, 0.59], trials), true);
    assert.equal(prunes(pruner, [0.1, 0.6], trials), false);
  });

  test('a NaN at a rung is pruned; between rungs it is not judged', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 4 });
    const decision = pruner.decide(contextFor('maximize', [0.5, 0.5, 0.5, Number.NaN], [], 7));
    assert.deepEqual(decision, { prune: true, reason: 'value at epoch 4 (rung 1) is NaN' });
    assert.equal(prunes(pruner, [0.5, Number.NaN], []), false);
  });

  test('a report that jumps over rung steps is judged at each rung it passed, as Optuna loops', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    // Rungs at 1, 2, 4. Another trial's rung value is its first report at or after the rung step.
    const other = curve(0, 'COMPLETE', [0.5, undefined, 0.8, 0.8]);
    assert.equal(prunes(pruner, [0.6, undefined, 0.7], [other]), true, 'at rung 1 the other has 0.8 (epoch 3)');
    assert.equal(prunes(pruner, [0.6, undefined, 0.85], [other]), false);
  });

  test('the reason says who reached the rung and what going on needed', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 }, 'val_loss');
    const decision = pruner.decide(
      contextFor('minimize', [0.7, 0.75], [curve(0, 'COMPLETE', [0.5, 0.4]), curve(1, 'RUNNING', [0.5, 0.6])], 2),
    );
    assert.deepEqual(decision, {
      prune: true,
      reason: 'val_loss 0.75 at epoch 2 is not among the best 1 of the 3 trials that reached rung 1 (epoch 2): going on needs at most 0.4',
    });
  });

  test('the trial being decided must have a value at the step', () => {
    const pruner = new SuccessiveHalvingPruner();
    assert.throws(() => pruner.decide({ direction: 'maximize', step: 2, trial: curve(0, 'RUNNING', [0.5]), trials: [] }), {
      name: 'InvalidArgumentError',
    });
  });

  test('rejects bad settings, naming them', () => {
    assert.throws(() => new SuccessiveHalvingPruner({ reductionFactor: 1 }), {
      name: 'InvalidArgumentError',
      message: 'reduction_factor must be an integer >= 2, but got 1',
    });
    assert.throws(() => new SuccessiveHalvingPruner({ minResource: 0 }), /min_resource must be an integer >= 1, but got 0/);
    assert.throws(() => new SuccessiveHalvingPruner({ minEarlyStoppingRate: -1 }), /min_early_stopping_rate/);
  });
});
