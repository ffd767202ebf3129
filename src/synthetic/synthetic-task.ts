import type { ParamValue } from '../space/param-spec.js';

/** How far apart two values of a numeric parameter are: the range, on a log scale or not. */
export interface NumericScale {
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
}

/** A categorical parameter: a value is either the optimum's choice or not. */
export interface CategoricalScale {
  readonly choices: readonly ParamValue[];
}

export type SyntheticScale = NumericScale | CategoricalScale;

/**
 * A stand-in for training: a known function of the trial's parameters, reported over `epochs`
 * epochs, each taking `epochSeconds` of wall-clock time spent sleeping. It lets tests and
 * benchmarks run many simulated trials without TensorFlow. The task carries the scales of the
 * space because an assignment travels without the space (see `syntheticLoss`).
 */
export interface SyntheticTask {
  readonly type: 'synthetic';
  readonly epochs: number;
  readonly epochSeconds: number;
  /** Standard deviation of the Gaussian noise added to the validation loss; 0 is none. */
  readonly noise: number;
  /** Where the loss is 0: one value for every parameter of `scales`. */
  readonly optimum: Readonly<Record<string, ParamValue>>;
  readonly scales: Readonly<Record<string, SyntheticScale>>;
}

/**
 * Longer sleeps would overflow setTimeout (which fires at once beyond 2^31 - 1 ms); a day per
 * epoch is already far beyond any test or benchmark.
 */
export const MAX_EPOCH_SECONDS = 86_400;

export function isCategoricalScale(scale: SyntheticScale): scale is CategoricalScale {
  return 'choices' in scale;
}
