import type { PruneContext, TrialCurve } from '../../src/pruners/pruner.js';
import type { Direction } from '../../src/core/direction.js';
import type { TrialState } from '../../src/core/trial-state.js';

/** A curve from per-epoch values, epoch 1 first; `undefined` leaves an epoch unreported. */
export function curve(number: number, state: TrialState, values: readonly (number | undefined)[]): TrialCurve {
  const byEpoch = new Map<number, number>();
  values.forEach((value, index) => {
    if (value !== undefined) byEpoch.set(index + 1, value);
  });
  return { number, state, values: byEpoch };
}

/** COMPLETE trials numbered 0, 1, ... from per-epoch values. */
export function completed(...curves: readonly (readonly (number | undefined)[])[]): TrialCurve[] {
  return curves.map((values, number) => curve(number, 'COMPLETE', values));
}

/** The context for deciding a running trial at its last reported epoch. */
export function contextFor(
  direction: Direction,
  values: readonly (number | undefined)[],
  trials: readonly TrialCurve[],
  number = trials.length,
): PruneContext {
  const trial = curve(number, 'RUNNING', values);
  return { direction, trial, step: Math.max(...trial.values.keys()), trials };
}
