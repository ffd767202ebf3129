import { bandwidths, type BandwidthRules } from './bandwidth.js';
import type { NumericDimension } from './tpe-dimension.js';
import { logTruncationMass, normLogPdf, truncatedNormalPpf } from './truncated-normal.js';

/** Per-component truncated normals on [low, high] for one numeric dimension. */
export interface NumericKernel {
  readonly dimension: NumericDimension;
  /** The dimension's place in the estimator's samples. */
  readonly column: number;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Continuous dimensions only (empty for discrete ones). */
  readonly inverseSigmas: Float64Array;
  /**
   * -log of each component's mass on [low, high]; for continuous densities also the normal's
   * constant and, unless the weights carry the bandwidths (KernelRules.weighByBandwidth),
   * -log(sigma), so a density term is the log weight plus this minus z²/2.
   */
  readonly logNormalisers: Float64Array;
  /**
   * Discrete dimensions: components with the same (mu, sigma) share their cell masses. On a
   * grid of a few values most of the n components coincide, so each distinct pair is
   * evaluated once (`pairOf[j]` is component j's pair, `pairs` lists one component per pair).
   * Empty for continuous dimensions.
   */
  readonly pairOf: Int32Array;
  readonly pairs: Int32Array;
  /** The observations' means (all components but the prior, which is last) are ascending. */
  readonly sorted: boolean;
}

export interface KernelRules extends BandwidthRules {
  /** The weights carry each component's bandwidth (bandwidthLogWeights), so the densities leave out -log(sigma). */
  readonly weighByBandwidth: boolean;
}

/**
 * One component per observation plus the prior at the centre of [low, high]. `scottScale`
 * is the multivariate bandwidth (in units of the range), undefined for the neighbour rule.
 */
export function numericKernel(
  dimension: NumericDimension,
  column: number,
  observations: Float64Array,
  scottScale: number | undefined,
  rules: KernelRules,
  sorted: boolean,
): NumericKernel {
  const { low, high } = dimension;
  const n = observations.length;
  const mus = new Float64Array(n + 1);
  mus.set(observations);
  mus[n] = 0.5 * (low + high);
  const sigmas = bandwidths(mus, low, high, scottScale, rules, sorted);
  const logNormalisers = new Float64Array(n + 1);
  if (!dimension.discrete) {
    const inverseSigmas = new Float64Array(n + 1);
    const constant = normLogPdf(0);
    for (let j = 0; j <= n; j++) {
      const mu = mus[j] ?? NaN;
      const sigma = sigmas[j] ?? NaN;
      const inverse = 1 / sigma;
      inverseSigmas[j] = inverse;
      const a = (low - mu) * inverse;
      const b = (high - mu) * inverse;
      const logMass = logTruncationMass(a, b);
      logNormalisers[j] = rules.weighByBandwidth ? constant - logMass : -logMass - Math.log(sigma) + constant;
    }
    const none = new Int32Array(0);
    return { dimension, column, mus, sigmas, inverseSigmas, logNormalisers, pairOf: none, pairs: none, sorted };
  }
  const { pairOf, pairs } = sorted ? sortedDistinctPairs(mus, sigmas) : distinctPairs(mus, sigmas);
  for (const j of pairs) {
    const mu = mus[j] ?? NaN;
    const sigma = sigmas[j] ?? NaN;
    logNormalisers[j] = -logTruncationMass((low - mu) / sigma, (high - mu) / sigma);
  }
  for (let j = 0; j <= n; j++) logNormalisers[j] = logNormalisers[pairs[pairOf[j] ?? NaN] ?? NaN] ?? NaN;
  // Discrete densities are cell masses: they use the pairs, not the inverse bandwidths.
  return { dimension, column, mus, sigmas, inverseSigmas: new Float64Array(0), logNormalisers, pairOf, pairs, sorted };
}

/** A draw from `component`'s truncated normal: `u` uniform in [0, 1). */
export function sampleNumeric(kernel: NumericKernel, component: number, u: number): number {
  const mu = kernel.mus[component] ?? NaN;
  const sigma = kernel.sigmas[component] ?? NaN;
  const { low, high } = kernel.dimension;
  const standard = truncatedNormalPpf(u, (low - mu) / sigma, (high - mu) / sigma);
  return Math.min(high, Math.max(low, mu + sigma * standard));
}

function distinctPairs(mus: Float64Array, sigmas: Float64Array): { pairOf: Int32Array; pairs: Int32Array } {
  const pairOf = new Int32Array(mus.length);
  const pairs: number[] = [];
  const seen = new Map<number, Map<number, number>>();
  for (let j = 0; j < mus.length; j++) {
    const mu = mus[j] ?? NaN;
    const sigma = sigmas[j] ?? NaN;
    let bySigma = seen.get(mu);
    if (!bySigma) seen.set(mu, (bySigma = new Map<number, number>()));
    let pair = bySigma.get(sigma);
    if (pair === undefined) {
      pair = pairs.length;
      pairs.push(j);
      bySigma.set(sigma, pair);
    }
    pairOf[j] = pair;
  }
  return { pairOf, pairs: Int32Array.from(pairs) };
}

/**
 * distinctPairs when the means but the last (the prior's) are ascending: equal means are
 * neighbours, so a pair is looked for only among those of the current run of equal means (at
 * most three bandwidths: the run's two ends and its inside) instead of in a map of all of them.
 */
function sortedDistinctPairs(mus: Float64Array, sigmas: Float64Array): { pairOf: Int32Array; pairs: Int32Array } {
  const n = mus.length - 1;
  const pairOf = new Int32Array(mus.length);
  const pairs: number[] = [];
  let runStart = 0; // index in `pairs` of the first pair of the current run of equal means
  for (let j = 0; j < n; j++) {
    if (j > 0 && mus[j] !== mus[j - 1]) runStart = pairs.length;
    pairOf[j] = pairWith(pairs, runStart, j, mus, sigmas);
  }
  // The prior's pair: shared with an observation of the same mean and bandwidth, if any.
  pairOf[n] = pairWith(pairs, 0, n, mus, sigmas);
  return { pairOf, pairs: Int32Array.from(pairs) };
}

/** The pair among pairs[from..] with component j's mean and bandwidth; j's own, added, if none has them. */
function pairWith(pairs: number[], from: number, j: number, mus: Float64Array, sigmas: Float64Array): number {
  for (let p = from; p < pairs.length; p++) {
    const k = pairs[p] ?? NaN;
    if (mus[k] === mus[j] && sigmas[k] === sigmas[j]) return p;
  }
  pairs.push(j);
  return pairs.length - 1;
}
