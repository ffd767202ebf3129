import type { ParamValues } from '../space/param-spec.js';
import type { SearchSpace } from '../space/search-space.js';
import type { TrialState } from '../core/trial-state.js';

/** What a sampler knows of one earlier or running trial. */
export interface TrialSnapshot {
  readonly number: number;
  readonly state: TrialState;
  readonly params: ParamValues;
  /**
   * COMPLETE: the objective (mean over repeats). PRUNED: the objective at the last epoch it
   * reached, `step`.
   */
  readonly value?: number;
  /** PRUNED trials: the last epoch reported before the pruner stopped it. */
  readonly step?: number;
}

export interface SamplerContext {
  readonly space: SearchSpace;
  readonly direction: 'maximize' | 'minimize';
  /** The number the new trial will get. */
  readonly trialNumber: number;
  /** Every trial of the study so far, in trial-number order, the running ones included. */
  readonly trials: readonly TrialSnapshot[];
}

/** Chooses the parameters of the next trial. */
export interface Sampler {
  readonly name: string;
  /** The next trial's parameters, or undefined when the sampler has nothing left (an exhausted grid). */
  suggest(context: SamplerContext): ParamValues | undefined;
}
