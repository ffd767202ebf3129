import { lowerBound } from './lower-bound.js';

/** Scott-rule scale of multivariate bandwidths, as in BOHB and Optuna (SIGMA0_MAGNITUDE). */
const SIGMA0_MAGNITUDE = 0.2;
/** The smallest bandwidth without the magic clip: a zero one would make a point mass. */
const EPS = 1e-12;

export interface BandwidthRules {
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
}

/**
 * The multivariate bandwidth in units of a dimension's range (Scott's rule, as BOHB and
 * Optuna): one for every component of every dimension of n observations.
 */
export function scottBandwidth(n: number, dimensions: number): number {
  return SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (dimensions + 4));
}

/**
 * Each component's bandwidth on [low, high], the prior (last of `mus`) with the whole range:
 * `scottScale` times the range in multivariate mode, otherwise the neighbour rule. `sorted`
 * says the observations (all but the prior) are ascending, which spares the neighbour rule a sort.
 */
export function bandwidths(
  mus: Float64Array,
  low: number,
  high: number,
  scottScale: number | undefined,
  rules: BandwidthRules,
  sorted: boolean,
): Float64Array {
  const n = mus.length - 1;
  const range = high - low;
  const sigmas =
    scottScale !== undefined
      ? new Float64Array(n + 1).fill(scottScale * range)
      : sorted
        ? sortedNeighbourBandwidths(mus, low, high, rules.considerEndpoints)
        : neighbourBandwidths(mus, low, high, rules.considerEndpoints);
  // The "magic clip": no bandwidth below range / min(100, components), so that a few close
  // observations cannot collapse the density onto a point.
  const minSigma = rules.considerMagicClip ? range / Math.min(100, 1 + mus.length) : EPS;
  for (let j = 0; j < n; j++) sigmas[j] = Math.min(range, Math.max(minSigma, sigmas[j] ?? NaN));
  sigmas[n] = range;
  return sigmas;
}

/**
 * Univariate bandwidths (Optuna's rule): each component's sigma is the larger gap to its
 * sorted neighbours, with the domain's ends as outer neighbours; without consider_endpoints
 * the outermost components use their inner gap only.
 */
function neighbourBandwidths(mus: Float64Array, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const count = mus.length;
  const sorted = new Float64Array(count + 2);
  sorted.set(mus, 1);
  sorted.subarray(1, count + 1).sort(); // a native numeric sort: no comparator calls
  sorted[0] = low;
  sorted[count + 1] = high;
  const sortedSigmas = gapBandwidths(sorted, considerEndpoints);
  // Each component takes the bandwidth of its place in the sorted order; equal values take
  // consecutive places in component order (`taken` counts the places used at each value).
  const sigmas = new Float64Array(count);
  const taken = new Int32Array(count + 2);
  for (let j = 0; j < count; j++) {
    const first = lowerBound(sorted, mus[j] ?? NaN, 1, count + 1);
    const alreadyTaken = taken[first] ?? NaN;
    taken[first] = alreadyTaken + 1;
    sigmas[j] = sortedSigmas[first + alreadyTaken - 1] ?? NaN;
  }
  return sigmas;
}

/**
 * The same bandwidths when the observations (all but the prior, which is last) are already
 * sorted: the prior's mean goes in after any equal observation, as it would as the last
 * component, and nothing else moves.
 */
function sortedNeighbourBandwidths(mus: Float64Array, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const count = mus.length;
  const n = count - 1;
  const prior = mus[n] ?? NaN;
  let priorPlace = lowerBound(mus.subarray(0, n), prior, 0, n);
  while (priorPlace < n && mus[priorPlace] === prior) priorPlace++;
  const sorted = new Float64Array(count + 2);
  sorted[0] = low;
  sorted.set(mus.subarray(0, priorPlace), 1);
  sorted[priorPlace + 1] = prior;
  sorted.set(mus.subarray(priorPlace, n), priorPlace + 2);
  sorted[count + 1] = high;
  // Place p of the sorted order is component p below the prior's place, the prior at it, and
  // component p - 1 above it: each bandwidth goes straight to its component.
  const sigmas = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const here = sorted[p + 1] ?? NaN;
    const component = p < priorPlace ? p : p === priorPlace ? n : p - 1;
    sigmas[component] = Math.max(here - (sorted[p] ?? NaN), (sorted[p + 2] ?? NaN) - here);
  }
  if (!considerEndpoints && count >= 2) {
    const firstComponent = priorPlace === 0 ? n : 0;
    const lastComponent = priorPlace === count - 1 ? n : count - 2;
    sigmas[firstComponent] = (sorted[2] ?? NaN) - (sorted[1] ?? NaN);
    sigmas[lastComponent] = (sorted[count] ?? NaN) - (sorted[count - 1] ?? NaN);
  }
  return sigmas;
}

/** Per sorted place (`sorted` has the domain's ends around the values): the larger gap to a neighbour. */
function gapBandwidths(sorted: Float64Array, considerEndpoints: boolean): Float64Array {
  const count = sorted.length - 2;
  const sortedSigmas = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const here = sorted[p + 1] ?? NaN;
    sortedSigmas[p] = Math.max(here - (sorted[p] ?? NaN), (sorted[p + 2] ?? NaN) - here);
  }
  if (!considerEndpoints && sorted.length >= 4) {
    sortedSigmas[0] = (sorted[2] ?? NaN) - (sorted[1] ?? NaN);
    sortedSigmas[count - 1] = (sorted[count] ?? NaN) - (sorted[count - 1] ?? NaN);
  }
  return sortedSigmas;
}
