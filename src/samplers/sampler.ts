import type { ParamValues } from '../space/param-spec.js';
import type { SearchSpace } from '../space/search-space.js';
import type { TrialState } from '../study/trial-state.js';

/** What a sampler knows of one earlier or running trial. */
export interface TrialSnapshot {
  readonly number: number;
  readonly state: TrialState;
  readonly params: ParamValues;
  /** The objective (mean over repeats) for COMPLETE trials. */
  readonly value?: number;
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
  suggest(context: SamplerContext): ParamValues;
}
