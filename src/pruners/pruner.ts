import type { Direction } from '../core/direction.js';
import type { TrialState } from '../core/trial-state.js';
import type { CompletedSteps } from './completed-steps.js';

/** One trial's intermediate values: epoch (1-based step) -> objective metric at that epoch. */
export interface TrialCurve {
  readonly number: number;
  readonly state: TrialState;
  readonly values: ReadonlyMap<number, number>;
}

export interface PruneContext {
  readonly direction: Direction;
  /** The trial being decided (RUNNING), with every value reported so far, including `step`. */
  readonly trial: TrialCurve;
  /** The step just reported. */
  readonly step: number;
  /**
   * Every other trial of the study, any state (the pruner filters what it needs); empty when the
   * pruner does not read them (`Pruner.readsCurves`) and the caller keeps `completed`.
   */
  readonly trials: readonly TrialCurve[];
  /** The COMPLETE trials' values by step, when the caller keeps them; else built from `trials`. */
  readonly completed?: CompletedSteps;
}

export type PruneDecision = { readonly prune: false } | { readonly prune: true; readonly reason: string };

/**
 * Decides, after each reported epoch, whether a running trial should stop early.
 * Pruners keep no state between calls: everything they need is in the curves, so a coordinator
 * restarted mid-study decides exactly as before.
 */
export interface Pruner {
  readonly name: string;
  /**
   * Whether it reads every other trial's curve (`PruneContext.trials`): the rung pruners do; the
   * percentile pruners need only `completed`, which the monitor keeps as trials complete.
   */
  readonly readsCurves: boolean;
  decide(context: PruneContext): PruneDecision;
}

export const KEEP: PruneDecision = Object.freeze({ prune: false });

export function prune(reason: string): PruneDecision {
  return { prune: true, reason };
}
