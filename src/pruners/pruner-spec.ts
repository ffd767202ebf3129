/**
 * Which pruner a study uses, with every setting written out (camelCase of Optuna's names), so
 * that a study resumed after an upgrade keeps the behaviour it started with even if a default changes.
 */
export type PrunerSpec = NonePrunerSpec | MedianPrunerSpec | PercentilePrunerSpec | AshaPrunerSpec | HyperbandPrunerSpec;

export type PrunerType = PrunerSpec['type'];

export interface NonePrunerSpec {
  readonly type: 'none';
}

/** Settings shared by the median and percentile pruners (Optuna's PercentilePruner). */
export interface PercentileSettings {
  /** Pruning waits until this many trials are COMPLETE. */
  readonly nStartupTrials: number;
  /** Steps (epochs) below this number are never pruned. */
  readonly nWarmupSteps: number;
  /** Pruning is checked every this many steps, counted from nWarmupSteps. */
  readonly intervalSteps: number;
  /** Fewer COMPLETE trials than this with a value at the step: no pruning. */
  readonly nMinTrials: number;
}

export interface MedianPrunerSpec extends PercentileSettings {
  readonly type: 'median';
}

export interface PercentilePrunerSpec extends PercentileSettings {
  readonly type: 'percentile';
  /** 0..100: the best `percentile` percent of trials at a step are kept. */
  readonly percentile: number;
}

/** Asynchronous successive halving (Optuna's SuccessiveHalvingPruner). */
export interface AshaPrunerSpec {
  readonly type: 'asha';
  readonly minResource: number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
}

export interface HyperbandPrunerSpec {
  readonly type: 'hyperband';
  readonly minResource: number;
  /** The most epochs a trial trains: the study's epochs. */
  readonly maxResource: number;
  readonly reductionFactor: number;
}

/** Per-trial early stopping on the objective metric, independent of other trials (Keras semantics). */
export interface EarlyStoppingSpec {
  /** Stop after this many epochs in a row without an improvement. */
  readonly patience: number;
  /** An improvement must exceed this to count. */
  readonly minDelta: number;
}

/** Optuna 3.1's defaults. */
export const PERCENTILE_DEFAULTS = {
  nStartupTrials: 5,
  nWarmupSteps: 0,
  intervalSteps: 1,
  nMinTrials: 1,
} as const satisfies PercentileSettings;

/** Optuna's min_resource 'auto' looks at finished trials; a fixed 1 keeps decisions reproducible. */
export const ASHA_DEFAULTS = {
  minResource: 1,
  reductionFactor: 4,
  minEarlyStoppingRate: 0,
} as const satisfies Omit<AshaPrunerSpec, 'type'>;

export const HYPERBAND_DEFAULTS = {
  minResource: 1,
  reductionFactor: 3,
} as const satisfies Omit<HyperbandPrunerSpec, 'type' | 'maxResource'>;

export const EARLY_STOPPING_DEFAULTS = { minDelta: 0 } as const satisfies Partial<EarlyStoppingSpec>;
