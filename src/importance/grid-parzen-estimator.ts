import { logGaussMass } from '../samplers/tpe/truncated-normal.js';

/** Weight of the prior component against one observation (Optuna's prior_weight = 1). */
const PRIOR_WEIGHT = 1;
/** Narrowest bandwidth, in grid steps: 1.64 sigma (90% of a kernel) fits in its own cell. */
const MIN_SIGMA = 0.5 / 1.64;

/**
 * The probabilities of the grid points 0..size-1 under a Parzen estimator of observations
 * given as counts per grid point (PED-ANOVA's estimator, as Optuna builds it for its
 * PedAnovaImportanceEvaluator). One component per occupied point, weighted by its count, plus a
 * prior component of weight 1; the mixture is normalised by (n + 1).
 *
 * - numeric: each component is a normal of one shared bandwidth by Scott's rule,
 *   sigma = max(1.059 min(IQR / 1.34, s) n^(-1/5), 0.5 / 1.64) in grid steps (s the sample
 *   standard deviation, IQR from the 25% and 75% points of the counts), discretised to the
 *   cells [k - 1/2, k + 1/2] and truncated to [-1/2, size - 1/2]; the prior is centred with
 *   sigma = size. TPE's own bandwidths are too wide for this analysis (Optuna's note).
 * - categorical: frequencies, (count_j + 1/size) / (n + 1), i.e. each component is its own
 *   choice and the prior is uniform. Optuna smooths each component instead, putting
 *   (1/m + [j = k]) / (size/m + 1) on choice j (m = occupied choices + 1), a smoothing that
 *   does not shrink as trials accumulate: with two choices a component keeps at most 3/4 on
 *   its own, which caps a decisive binary choice at a quarter of its divergence while numeric
 *   bandwidths narrow with n. Frequencies keep categoricals on the numeric parameters' scale.
 */
export function gridProbabilities(kind: 'numeric' | 'categorical', counts: Float64Array): Float64Array {
  const size = counts.length;
  let n = 0;
  for (const count of counts) n += count;
  const total = n + PRIOR_WEIGHT;
  const probabilities = new Float64Array(size);
  if (kind === 'categorical') {
    for (let j = 0; j < size; j++) probabilities[j] = ((counts[j] as number) + PRIOR_WEIGHT / size) / total;
    return probabilities;
  }
  const sigma = Math.max(scottBandwidth(counts, n), MIN_SIGMA);
  for (let k = 0; k < size; k++) {
    const count = counts[k] as number;
    if (count > 0) addDiscreteNormal(probabilities, k, sigma, count / total);
  }
  addDiscreteNormal(probabilities, 0.5 * (size - 1), size, PRIOR_WEIGHT / total);
  return probabilities;
}

/**
 * Scott's rule on grid indices weighted by counts: 1.059 min(IQR / 1.34, s) n^(-1/5). The
 * quartiles are the first occupied points whose cumulative count reaches floor(n/4) and
 * exceeds floor(3n/4), as Optuna takes them.
 */
function scottBandwidth(counts: Float64Array, n: number): number {
  let mean = 0;
  counts.forEach((count, k) => (mean += k * count));
  mean /= n;
  let squares = 0;
  counts.forEach((count, k) => (squares += count * (k - mean) ** 2));
  const std = Math.sqrt(squares / Math.max(1, n - 1));
  const lowerTarget = Math.floor(n / 4);
  const upperTarget = Math.floor((3 * n) / 4);
  let lower = -1;
  let upper = -1;
  let lastOccupied = -1;
  let cumulative = 0;
  counts.forEach((count, k) => {
    if (count <= 0) return;
    cumulative += count;
    lastOccupied = k;
    if (lower < 0 && cumulative >= lowerTarget) lower = k;
    if (upper < 0 && cumulative > upperTarget) upper = k;
  });
  const iqr = (upper < 0 ? lastOccupied : upper) - lower;
  return 1.059 * Math.min(iqr / 1.34, std) * n ** -0.2;
}

/** Adds `weight` times the normal N(mu, sigma) discretised to the cells of the grid and truncated to it. */
function addDiscreteNormal(probabilities: Float64Array, mu: number, sigma: number, weight: number): void {
  const size = probabilities.length;
  const logMass = logGaussMass((-0.5 - mu) / sigma, (size - 0.5 - mu) / sigma);
  for (let j = 0; j < size; j++) {
    const cell = Math.exp(logGaussMass((j - 0.5 - mu) / sigma, (j + 0.5 - mu) / sigma) - logMass);
    probabilities[j] = (probabilities[j] as number) + weight * cell;
  }
}
