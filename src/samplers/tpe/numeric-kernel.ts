import { bandwidths, type BandwidthRules } from './bandwidth.js';
import type { NumericDimension } from './tpe-dimension.js';
import { logGaussMass, normLogPdf, truncatedNormalPpf } from './truncated-normal.js';

/** Per-component truncated normals on [low, high] for one numeric dimension. */
export interface NumericKernel {
  readonly dimension: NumericDimension;
  /** The dimension's place in the estimator's samples. */
  readonly column: number;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Continuous dimensions only (empty for discrete ones). */
  readonly inverseSigmas: Float64Array;
  readonly logSigmas: Float64Array;
  /**
   * -log of each component's mass on [low, high]; for continuous densities also the normal's
   * constant and -log(sigma), so a density term is this minus z²/2.
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

/**
 * One component per observation plus the prior at the centre of [low, high]. `scottScale`
 * is the multivariate bandwidth (in units of the range), undefined for the neighbour rule.
 */
export function numericKernel(
  dimension: NumericDimension,
  column: number,
  observations: Float64Array,
  scottScale: number | undefined,
  rules: BandwidthRules,
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
    const logSigmas = sigmas.map(Math.log);
    const inverseSigmas = sigmas.map((sigma) => 1 / sigma);
    for (let j = 0; j <= n; j++) {
      const mu = mus[j] ?? NaN;
      const inverse = inverseSigmas[j] ?? NaN;
      logNormalisers[j] = -logTruncationMass((low - mu) * inverse, (high - mu) * inverse) - (logSigmas[j] ?? NaN) + normLogPdf(0);
    }
    const none = new Int32Array(0);
    return { dimension, column, mus, sigmas, inverseSigmas, logSigmas, logNormalisers, pairOf: none, pairs: none, sorted };
  }
  const { pairOf, pairs } = distinctPairs(mus, sigmas);
  for (const j of pairs) {
    const mu = mus[j] ?? NaN;
    const sigma = sigmas[j] ?? NaN;
    logNormalisers[j] = -logTruncationMass((low - mu) / sigma, (high - mu) / sigma);
  }
  for (let j = 0; j <= n; j++) logNormalisers[j] = logNormalisers[pairs[pairOf[j] ?? NaN] ?? NaN] ?? NaN;
  // Discrete densities are cell masses: they use the pairs, not the inverse or log bandwidths.
  return {
    dimension,
    column,
    mus,
    sigmas,
    inverseSigmas: new Float64Array(0),
    logSigmas: new Float64Array(0),
    logNormalisers,
    pairOf,
    pairs,
    sorted,
  };
}

/** A draw from `component`'s truncated normal: `u` uniform in [0, 1). */
export function sampleNumeric(kernel: NumericKernel, component: number, u: number): number {
  const mu = kernel.mus[component] ?? NaN;
  const sigma = kernel.sigmas[component] ?? NaN;
  const { low, high } = kernel.dimension;
  const standard = truncatedNormalPpf(u, (low - mu) / sigma, (high - mu) / sigma);
  return Math.min(high, Math.max(low, mu + sigma * standard));
}

/**
 * log of the mass a component keeps on [a, b] (in its standard units). A component more than
 * 8.5 sigma inside both ends keeps all but 1e-17 of its mass, so its log mass is 0 to double
 * precision; narrow components (most of them, once there are many trials) skip the erfc.
 */
function logTruncationMass(a: number, b: number): number {
  return a < -8.5 && b > 8.5 ? 0 : logGaussMass(a, b);
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
