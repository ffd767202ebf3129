import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { MedianPruner } from '../../src/pruners/median-pruner.js';
import { PercentilePruner } from '../../src/pruners/percentile-pruner.js';
import type { Pruner, TrialCurve } from '../../src/pruners/pruner.js';
import type { Direction } from '../../src/core/direction.js';
import { completed, contextFor, curve } from './curves.js';

/** Five COMPLETE trials; at every epoch the median is 0.5 and the values are 0.3..0.7. */
const five = completed(
  [0.3, 0.3, 0.3, 0.3, 0.3],
  [0.4, 0.4, 0.4, 0.4, 0.4],
  [0.5, 0.5, 0.5, 0.5, 0.5],
  [0.6, 0.6, 0.6, 0.6, 0.6],
  [0.7, 0.7, 0.7, 0.7, 0.7],
);

function prunes(
  pruner: Pruner,
  values: readonly (number | undefined)[],
  trials: readonly TrialCurve[] = five,
  direction: Direction = 'maximize',
): boolean {
  return pruner.decide(contextFor(direction, values, trials)).prune;
}

describe('MedianPruner', () => {
  test('is the 50th percentile, with Optuna 3.1 defaults', () => {
    const pruner = new MedianPruner();
    assert.equal(pruner.name, 'median');
    assert.equal(pruner.percentile, 50);
    assert.deepEqual(pruner.settings, { nStartupTrials: 5, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 });
  });

  test('prunes a trial strictly worse than the median, in both directions', () => {
    const pruner = new MedianPruner();
    assert.equal(prunes(pruner, [0.49]), true);
    assert.equal(prunes(pruner, [0.5]), false, 'equal to the median is kept');
    assert.equal(prunes(pruner, [0.51], five, 'minimize'), true);
    assert.equal(prunes(pruner, [0.5], five, 'minimize'), false);
    assert.equal(prunes(pruner, [0.49], five, 'minimize'), false);
  });

  test('waits for n_startup_trials COMPLETE trials; other states do not count', () => {
    const pruner = new MedianPruner();
    assert.equal(prunes(pruner, [0.1], five.slice(0, 4)), false);
    const others = [curve(10, 'PRUNED', [0.9]), curve(11, 'FAILED', [0.9]), curve(12, 'RUNNING', [0.9])];
    assert.equal(prunes(pruner, [0.1], [...five.slice(0, 4), ...others]), false);
    assert.equal(prunes(pruner, [0.1], five), true);
    // Values of trials that are not COMPLETE do not move the median either (0.5 would become 0.6).
    assert.equal(prunes(pruner, [0.55], [...five, ...others]), false);
  });

  test('with no startup trials required, still needs one COMPLETE trial', () => {
    const pruner = new MedianPruner({ nStartupTrials: 0 });
    assert.equal(prunes(pruner, [0.1], []), false);
    assert.equal(prunes(pruner, [0.1], five.slice(0, 1)), true);
  });

  test('n_warmup_steps: epochs below it are never pruned', () => {
    const pruner = new MedianPruner({ nWarmupSteps: 3 });
    assert.equal(prunes(pruner, [0.1]), false);
    assert.equal(prunes(pruner, [0.1, 0.1]), false);
    assert.equal(prunes(pruner, [0.1, 0.1, 0.1]), true);
  });

  test('interval_steps: checked every interval, counted from the warm-up', () => {
    const pruner = new MedianPruner({ nWarmupSteps: 1, intervalSteps: 2 });
    const checked = [1, 2, 3, 4, 5].filter((epoch) => prunes(pruner, Array<number>(epoch).fill(0.1)));
    assert.deepEqual(checked, [1, 3, 5]);
  });

  test('interval_steps: a skipped checkpoint is checked at the next report (Optuna _is_first_in_interval_step)', () => {
    const pruner = new MedianPruner({ intervalSteps: 3 });
    // Checkpoints 3 and 6; reports at 1, 2, 4, 5: checked at 4 (the first at or after 3), not at 5.
    assert.equal(prunes(pruner, [0.1, 0.1, undefined, 0.1]), true);
    assert.equal(prunes(pruner, [0.1, 0.1, undefined, 0.1, 0.1]), false);
  });

  test('compares the best value so far, not the latest', () => {
    const pruner = new MedianPruner();
    assert.equal(prunes(pruner, [0.6, 0.1, 0.1]), false);
    assert.equal(prunes(pruner, [0.4, 0.1, 0.1], five, 'minimize'), false);
    assert.equal(prunes(pruner, [0.4, 0.45, 0.45]), true);
  });

  test('n_min_trials: too few COMPLETE trials with a value at the step means no pruning', () => {
    const short = completed([0.9], [0.9], [0.9, 0.5, 0.5], [0.9, 0.6, 0.6], [0.9, 0.7, 0.7]);
    assert.equal(prunes(new MedianPruner({ nMinTrials: 4 }), [0.1, 0.1, 0.1], short), false);
    assert.equal(prunes(new MedianPruner({ nMinTrials: 3 }), [0.1, 0.1, 0.1], short), true);
  });

  test('NaN: an all-NaN trial is pruned; NaN values of others are skipped but count for n_min_trials', () => {
    const pruner = new MedianPruner({ nMinTrials: 5 });
    const decision = pruner.decide(contextFor('maximize', [Number.NaN, Number.NaN], five));
    assert.deepEqual(decision, { prune: true, reason: 'every value reported up to epoch 2 is NaN' });
    assert.equal(prunes(pruner, [Number.NaN, 0.6]), false, 'NaN is ignored for the best value');

    const withNaN = completed([Number.NaN], [Number.NaN], [Number.NaN], [0.4], [0.6]);
    // Five values at epoch 1 (three NaN): enough for n_min_trials 5; the median of 0.4 and 0.6 is 0.5.
    assert.equal(prunes(pruner, [0.49], withNaN), true);
    assert.equal(prunes(pruner, [0.5], withNaN), false);
    const allNaN = completed(...Array.from({ length: 5 }, () => [Number.NaN]));
    assert.equal(prunes(pruner, [0.1], allNaN), false, 'no threshold, no pruning');
  });

  test('the reason gives the epoch, the metric, both numbers and the count', () => {
    const pruner = new MedianPruner({}, 'val_accuracy');
    const decision = pruner.decide(contextFor('maximize', [0.41, 0.4, 0.2], five));
    assert.deepEqual(decision, {
      prune: true,
      reason: 'best val_accuracy up to epoch 3 is 0.41, worse than the median 0.5 of 5 completed trials at epoch 3',
    });
  });
});

describe('PercentilePruner', () => {
  // At epoch 1: 0.3, 0.4, 0.5, 0.6, 0.7.
  test('maximize keeps the top percentile: the cut is the (100 - p)th percentile', () => {
    const pruner = new PercentilePruner({ percentile: 25 });
    assert.equal(prunes(pruner, [0.6]), false, 'the 75th percentile is 0.6');
    assert.equal(prunes(pruner, [0.59]), true);
  });

  test('minimize keeps the bottom percentile: the cut is the pth percentile', () => {
    const pruner = new PercentilePruner({ percentile: 25 });
    assert.equal(prunes(pruner, [0.4], five, 'minimize'), false, 'the 25th percentile is 0.4');
    assert.equal(prunes(pruner, [0.41], five, 'minimize'), true);
  });

  test('interpolates between trials like numpy', () => {
    const pruner = new PercentilePruner({ percentile: 10, nStartupTrials: 1 });
    // numpy.nanpercentile([0.42, 0.92], 90) is 0.8700000000000001, not 0.87.
    const two = completed([0.42], [0.92]);
    assert.equal(prunes(pruner, [0.87], two), true);
    assert.equal(prunes(pruner, [0.8700000000000001], two), false);
  });

  test('percentile 0 and 100', () => {
    assert.equal(prunes(new PercentilePruner({ percentile: 100 }), [0.3]), false, 'keeps everything down to the worst');
    assert.equal(prunes(new PercentilePruner({ percentile: 100 }), [0.29]), true);
    assert.equal(prunes(new PercentilePruner({ percentile: 0 }), [0.69]), true, 'keeps only a match for the best');
    assert.equal(prunes(new PercentilePruner({ percentile: 0 }), [0.7]), false);
  });

  test('the reason names the percentile used', () => {
    const decision = new PercentilePruner({ percentile: 25 }, 'val_loss').decide(contextFor('minimize', [0.45], five));
    assert.deepEqual(decision, {
      prune: true,
      reason: 'best val_loss up to epoch 1 is 0.45, worse than 0.4, percentile 25 of 5 completed trials at epoch 1',
    });
  });

  test('rejects bad settings, naming them', () => {
    assert.throws(() => new PercentilePruner({ percentile: 101 }), {
      name: 'InvalidArgumentError',
      message: 'percentile must be between 0 and 100, but got 101',
    });
    assert.throws(() => new PercentilePruner({ percentile: Number.NaN }), InvalidArgumentError);
    assert.throws(() => new MedianPruner({ intervalSteps: 0 }), { message: 'interval_steps must be an integer >= 1, but got 0' });
    assert.throws(() => new MedianPruner({ nStartupTrials: -1 }), /n_startup_trials/);
    assert.throws(() => new MedianPruner({ nWarmupSteps: 1.5 }), /n_warmup_steps/);
    assert.throws(() => new MedianPruner({ nMinTrials: 0 }), /n_min_trials/);
  });
});
