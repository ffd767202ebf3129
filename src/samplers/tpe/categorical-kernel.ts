import type { SortedObservations } from './split-sides.js';
import type { CategoricalDimension } from './tpe-dimension.js';

/**
 * Per-component probabilities over the choices. Every observation's row is the same smoothing
 * on every choice plus 1 on its own choice, normalised, so a row is two numbers: the
 * probability of the observed choice and that of any other; the prior's row is uniform.
 */
export interface CategoricalKernel {
  readonly dimension: CategoricalDimension;
  /** The dimension's place in the estimator's samples. */
  readonly column: number;
  /** Each component's own choice; -1 for the prior. */
  readonly observed: Int32Array;
  readonly hit: number;
  readonly miss: number;
  readonly logHit: number;
  readonly logMiss: number;
}

export function categoricalKernel(
  dimension: CategoricalDimension,
  column: number,
  observations: Float64Array,
  priorWeight: number,
): CategoricalKernel {
  const { hit, miss } = categoricalRow(dimension.choices.length, observations.length, priorWeight);
  return { dimension, column, observed: new Int32Array(observations), hit, miss, logHit: Math.log(hit), logMiss: Math.log(miss) };
}

/** Optuna's kernel row for n observations: prior_weight / (n + 1) on every choice, plus 1 on the observed one, normalised. */
function categoricalRow(choices: number, n: number, priorWeight: number): { hit: number; miss: number } {
  const smoothing = priorWeight / (n + 1);
  const rowSum = choices * smoothing + 1;
  return { hit: (smoothing + 1) / rowSum, miss: smoothing / rowSum };
}

/** Draws a choice from component j's row: `u` uniform in [0, 1). */
export function sampleChoice(kernel: CategoricalKernel, component: number, u: number): number {
  const k = kernel.dimension.choices.length;
  const own = component < kernel.observed.length ? (kernel.observed[component] ?? NaN) : -1;
  if (own < 0) return Math.min(k - 1, Math.floor(u * k));
  // Walk the choices in order, as a cumulative sum over the row would.
  let rest = u;
  for (let c = 0; c < k - 1; c++) {
    const p = c === own ? kernel.hit : kernel.miss;
    if (rest < p) return c;
    rest -= p;
  }
  return k - 1;
}

/**
 * The log probability of each sample when this is the estimator's only dimension: the mixture
 * collapses to one probability per choice, Σ_j w_j P_j(c) (Optuna's shortcut for this case),
 * computed once for all samples. `weights` are the normalised component weights (the prior last).
 */
export function loneCategoricalLogPdf(kernel: CategoricalKernel, weights: Float64Array, values: Float64Array, size: number): Float64Array {
  const n = kernel.observed.length;
  const weightOfChoice = new Float64Array(kernel.dimension.choices.length);
  let observedWeight = 0;
  for (let j = 0; j < n; j++) {
    const w = weights[j] ?? NaN;
    const choice = kernel.observed[j] ?? NaN;
    weightOfChoice[choice] = (weightOfChoice[choice] ?? NaN) + w;
    observedWeight += w;
  }
  return choiceLogPdf(kernel, weightOfChoice, observedWeight, weights[n] ?? NaN, values, size);
}

/**
 * loneCategoricalLogPdf for observations given sorted by choice with their places in trial
 * order (SplitSides.sort), weighted by `trialOrderWeights` (componentWeights: the prior last):
 * g(x) of a lone categorical without building its estimator or gathering its observations
 * from every trial's row.
 */
export function sortedCategoricalLogPdf(
  dimension: CategoricalDimension,
  observations: SortedObservations,
  trialOrderWeights: Float64Array,
  priorWeight: number,
  values: Float64Array,
  size: number,
): Float64Array {
  const { values: choices, ranks } = observations;
  const n = choices.length;
  const weightOfChoice = new Float64Array(dimension.choices.length);
  let observedWeight = 0;
  for (let j = 0; j < n; j++) {
    const w = trialOrderWeights[ranks[j] ?? NaN] ?? NaN;
    const choice = choices[j] ?? NaN;
    weightOfChoice[choice] = (weightOfChoice[choice] ?? NaN) + w;
    observedWeight += w;
  }
  const row = categoricalRow(dimension.choices.length, n, priorWeight);
  return choiceLogPdf({ dimension, ...row }, weightOfChoice, observedWeight, trialOrderWeights[n] ?? NaN, values, size);
}

/** The lone mixture's log probability of each sample, from each choice's total weight, all the observations' and the prior's. */
function choiceLogPdf(
  kernel: { dimension: CategoricalDimension; hit: number; miss: number },
  weightOfChoice: Float64Array,
  observedWeight: number,
  priorWeight: number,
  values: Float64Array,
  size: number,
): Float64Array {
  const priorShare = priorWeight / kernel.dimension.choices.length;
  const logProbabilities = weightOfChoice.map((w) => Math.log(kernel.hit * w + kernel.miss * (observedWeight - w) + priorShare));
  const result = new Float64Array(size);
  for (let i = 0; i < size; i++) result[i] = logProbabilities[values[i] ?? NaN] ?? NaN;
  return result;
}
