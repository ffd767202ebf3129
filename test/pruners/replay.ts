import type { Pruner, TrialCurve } from '../../src/pruners/pruner.js';
import type { Direction } from '../../src/core/direction.js';
import type { TrialState } from '../../src/core/trial-state.js';

/** [trial number, step, value]: one report, in the order trials made them. */
export type ReportEvent = readonly [number, number, number];

interface MutableTrial {
  number: number;
  state: TrialState;
  values: Map<number, number>;
}

/**
 * Runs a study's reports through a pruner as a coordinator would: after each report the trial is
 * decided; a pruned trial stops (later reports dropped), a trial at its last report completes
 * (fails, when that last value is NaN).
 * Returns [trial, step] of every pruning, in order, and the reasons given.
 */
export function replay(
  pruner: Pruner,
  direction: Direction,
  events: readonly ReportEvent[],
): { pruned: [number, number][]; reasons: string[] } {
  const lastEvent = new Map<number, number>();
  events.forEach(([number], index) => lastEvent.set(number, index));
  const trials = new Map<number, MutableTrial>();
  const pruned: [number, number][] = [];
  const reasons: string[] = [];
  events.forEach(([number, step, value], index) => {
    let trial = trials.get(number);
    if (trial === undefined) {
      trial = { number, state: 'RUNNING', values: new Map() };
      trials.set(number, trial);
    }
    if (trial.state !== 'RUNNING') return;
    trial.values.set(step, value);
    const others: TrialCurve[] = [...trials.values()]
      .filter((other) => other !== trial)
      .map((other) => ({ ...other, values: new Map(other.values) }));
    const decision = pruner.decide({ direction, step, trial: { ...trial, values: new Map(trial.values) }, trials: others });
    if (decision.prune) {
      trial.state = 'PRUNED';
      pruned.push([number, step]);
      reasons.push(decision.reason);
    } else if (lastEvent.get(number) === index) {
      // Optuna's study.tell fails a trial whose objective is NaN.
      trial.state = Number.isNaN(value) ? 'FAILED' : 'COMPLETE';
    }
  });
  return { pruned, reasons };
}
