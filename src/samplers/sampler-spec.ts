/**
 * Which sampler a study uses, with every setting written out, so that a study resumed after an
 * upgrade keeps the behaviour it started with even if a default changes.
 */
export type SamplerSpec = RandomSamplerSpec | TpeSamplerSpec | GridSamplerSpec;

export interface RandomSamplerSpec {
  readonly type: 'random';
  readonly seed: number;
}

/** Optuna's TPESampler settings, by the same names (camelCase). */
export interface TpeSamplerSpec {
  readonly type: 'tpe';
  readonly seed: number;
  /** Trials drawn at random before TPE starts (Optuna: n_startup_trials = 10). */
  readonly nStartupTrials: number;
  /** Candidates drawn from l(x) and scored by l(x)/g(x) (Optuna: n_ei_candidates = 24). */
  readonly nEiCandidates: number;
  /** One mixture component drives every parameter of a group (BOHB-style); false = one estimator per parameter. */
  readonly multivariate: boolean;
  /** Running and queued trials count as the worst results, so that parallel asks spread out. */
  readonly constantLiar: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  /** Score candidates as Optuna 3.1 did: components weighted by their bandwidths (see ParzenOptions). */
  readonly weighByBandwidth: boolean;
}

/** The Cartesian product of every parameter's values, in a seeded shuffled order. */
export interface GridSamplerSpec {
  readonly type: 'grid';
  readonly seed: number;
}

export const TPE_DEFAULTS = {
  nStartupTrials: 10,
  nEiCandidates: 24,
  multivariate: false,
  constantLiar: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  weighByBandwidth: true,
} as const satisfies Omit<TpeSamplerSpec, 'type' | 'seed'>;
