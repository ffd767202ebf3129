import { defaultWeight, linearRamp } from './parzen-weights.js';
import type { SortedObservations } from './above-column.js';
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
 * order (AboveColumn), weighted as componentWeights would (Optuna's default weights, the
 * prior's `priorWeight`, normalised): g(x) of a lone categorical without building its
 * estimator, gathering its choices from every trial's row, or the weights' array of n numbers.
 */
export function sortedCategoricalLogPdf(
  dimension: CategoricalDimension,
  observations: SortedObservations,
  priorWeight: number,
  values: Float64Array,
  size: number,
): Float64Array {
  const n = observations.values.length;
  const choices = dimension.choices.length;
  const weights =
    n >= EXACT_SUMS_BELOW
      ? rampedChoiceWeights(observations, choices, priorWeight)
      : exactChoiceWeights(observations, choices, priorWeight);
  const row = categoricalRow(choices, n, priorWeight);
  return choiceLogPdf({ dimension, ...row }, weights.ofChoice, weights.observed, weights.prior, values, size);
}

/** Each choice's normalised weight, all the observations' and the prior's. */
interface ChoiceWeights {
  readonly ofChoice: Float64Array;
  readonly observed: number;
  readonly prior: number;
}

/**
 * The same sums, in the same order, as componentWeights and loneCategoricalLogPdf: a choice
 * that ties with another in exact arithmetic (common early on) wins or loses by the same bits.
 */
function exactChoiceWeights(observations: SortedObservations, choices: number, priorWeight: number): ChoiceWeights {
  const { values, ranks } = observations;
  const n = values.length;
  const { total, observedWeight } = weightTotals(n, priorWeight);
  const ofChoice = new Float64Array(choices);
  for (let j = 0; j < n; j++) {
    const choice = values[j] ?? NaN;
    ofChoice[choice] = (ofChoice[choice] ?? NaN) + defaultWeight(n, ranks[j] ?? NaN) / total;
  }
  return { ofChoice, observed: observedWeight, prior: priorWeight / total };
}

/**
 * From this many observations on, sortedCategoricalLogPdf sums each choice's weights in closed
 * form: the weights ramp as α + β·rank, so a choice's is α·(its ramped count) + β·(their ranks'
 * sum) + (its newest count), one integer pass instead of a weight and a division per
 * observation, and no totals over n to recompute when n moves. The bits then differ from
 * componentWeights', but ties in exact arithmetic need equal sums of distinct ramp weights,
 * which does not happen by chance; below it, they are common and the bits must match.
 */
const EXACT_SUMS_BELOW = 512;

function rampedChoiceWeights(observations: SortedObservations, choices: number, priorWeight: number): ChoiceWeights {
  const { values, ranks } = observations;
  const n = values.length;
  const { ramp, alpha, beta } = linearRamp(n);
  const ramped = new Float64Array(choices);
  const rankSums = new Float64Array(choices);
  const newest = new Float64Array(choices);
  for (let j = 0; j < n; j++) {
    const choice = values[j] ?? NaN;
    const rank = ranks[j] ?? NaN;
    if (rank < ramp) {
      ramped[choice] = (ramped[choice] ?? NaN) + 1;
      rankSums[choice] = (rankSums[choice] ?? NaN) + rank;
    } else {
      newest[choice] = (newest[choice] ?? NaN) + 1;
    }
  }
  const ofChoice = ramped.map((count, c) => alpha * count + beta * (rankSums[c] ?? NaN) + (newest[c] ?? NaN));
  let observed = 0;
  for (const w of ofChoice) observed += w;
  const total = observed + priorWeight;
  for (let c = 0; c < choices; c++) ofChoice[c] = (ofChoice[c] ?? NaN) / total;
  return { ofChoice, observed: observed / total, prior: priorWeight / total };
}

/**
 * Σ of n default weights and the prior's (in trial order, the prior last), and Σ of the
 * normalised weights of the observations, as componentWeights and loneCategoricalLogPdf sum
 * them. The last few are kept: a suggestion's lone categoricals share one n.
 */
function weightTotals(n: number, priorWeight: number): { total: number; observedWeight: number } {
  const key = `${n}:${priorWeight}`;
  const known = recentTotals.get(key);
  if (known) return known;
  let total = 0;
  for (let rank = 0; rank < n; rank++) total += defaultWeight(n, rank);
  total += priorWeight;
  let observedWeight = 0;
  for (let rank = 0; rank < n; rank++) observedWeight += defaultWeight(n, rank) / total;
  const totals = { total, observedWeight };
  if (recentTotals.size >= 4) recentTotals.clear();
  recentTotals.set(key, totals);
  return totals;
}

const recentTotals = new Map<string, { total: number; observedWeight: number }>();

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
