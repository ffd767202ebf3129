import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Direction } from '../../src/core/direction.js';
import type { TrialState } from '../../src/core/trial-state.js';
import { CompletedSteps } from '../../src/pruners/completed-steps.js';
import { MedianPruner } from '../../src/pruners/median-pruner.js';
import { PercentilePruner } from '../../src/pruners/percentile-pruner.js';
import type { TrialCurve } from '../../src/pruners/pruner.js';
import { PruningMonitor } from '../../src/pruners/pruning-monitor.js';
import { Rng } from '../../src/random/rng.js';

/** A study's curves: any state, uneven lengths, some NaN values and repeated values. */
function randomCurves(rng: Rng, count: number): TrialCurve[] {
  const states: TrialState[] = ['COMPLETE', 'COMPLETE', 'COMPLETE', 'PRUNED', 'FAILED', 'RUNNING'];
  return Array.from({ length: count }, (_, number) => {
    const epochs = rng.int(0, 12);
    const values = new Map<number, number>();
    for (let step = 1; step <= epochs; step++) {
      const draw = rng.float();
      values.set(step, draw < 0.05 ? Number.NaN : draw < 0.15 ? 0.5 : Math.round(rng.float() * 1000) / 1000);
    }
    return { number, state: states[rng.int(0, states.length - 1)] as TrialState, values };
  });
}

describe('CompletedSteps: the COMPLETE trials by step, kept as they complete', () => {
  test("the percentile pruners decide as they do from every trial's curve, reasons included", () => {
    const rng = new Rng(11);
    for (let round = 0; round < 200; round++) {
      const others = randomCurves(rng, rng.int(0, 60));
      // Added in another order than the study's, as trials complete in any order.
      const index = new CompletedSteps();
      for (const curve of [...others].reverse()) if (curve.state === 'COMPLETE') index.add(curve.values);
      const [running] = randomCurves(rng, 1);
      if (!running || running.values.size === 0) continue;
      const step = Math.max(...running.values.keys());
      const trial = { ...running, number: 1000, state: 'RUNNING' as const };
      const direction: Direction = round % 2 === 0 ? 'maximize' : 'minimize';
      for (const pruner of [
        new MedianPruner({ nStartupTrials: round % 3, nMinTrials: 1 + (round % 4) }),
        new PercentilePruner({ percentile: 10 + (round % 80), nWarmupSteps: round % 2 }),
      ]) {
        const fromCurves = pruner.decide({ direction, trial, step, trials: others });
        const fromIndex = pruner.decide({ direction, trial, step, trials: [], completed: index });
        assert.deepEqual(fromIndex, fromCurves, `round ${round}, ${pruner.name}`);
      }
    }
  });

  test('the monitor keeps it: a trial completed, or read back from the store as COMPLETE, counts once', () => {
    const monitor = new PruningMonitor({
      objective: { metric: 'val_accuracy', direction: 'maximize' },
      pruner: { type: 'median', nStartupTrials: 2, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 },
    });
    monitor.remember(0, 'COMPLETE', new Map([[0, [0.5, 0.6, 0.7]]]));
    for (const [epoch, value] of [0.7, 0.8, 0.9].entries()) monitor.judge(1, 0, epoch + 1, value);
    monitor.setState(1, 'COMPLETE');
    monitor.setState(1, 'COMPLETE');
    // Median of 0.5 and 0.7 at epoch 1 is 0.6: 0.55 is below it.
    const verdict = monitor.judge(2, 0, 1, 0.55);
    assert.equal(verdict.action, 'prune');
    assert.match(verdict.action === 'prune' ? verdict.reason : '', /worse than the median 0\.6 of 2 completed trials at epoch 1/);
    assert.equal(monitor.judge(3, 0, 1, 0.65).action, 'continue');
  });
});
