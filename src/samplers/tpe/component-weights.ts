import { defaultWeights } from './parzen-weights.js';

/** Normalised weights of a mixture's components (the prior last) and their logs. */
export interface ComponentWeights {
  readonly weights: Float64Array;
  readonly logWeights: Float64Array;
}

/**
 * The normalised component weights for n observations and the prior. Every estimator of a
 * suggestion with the same number of observations shares them (all the univariate estimators
 * of unconditional parameters do), so the last few are kept. The arrays returned are the cache's
 * own: callers must copy before changing or handing them out.
 */
export function componentWeights(n: number, priorWeight: number): ComponentWeights {
  const key = `${n}:${priorWeight}`;
  const known = recentWeights.get(key);
  if (known) return known;
  const weights = new Float64Array(n + 1);
  weights.set(defaultWeights(n));
  weights[n] = priorWeight;
  const total = weights.reduce((sum, w) => sum + w, 0);
  for (let j = 0; j <= n; j++) weights[j] = (weights[j] ?? NaN) / total;
  const entry = { weights, logWeights: weights.map(Math.log) };
  const oldest = recentWeights.keys().next();
  if (recentWeights.size >= 8 && !oldest.done) recentWeights.delete(oldest.value);
  recentWeights.set(key, entry);
  return entry;
}

/** Weights of observations given in another order: `ranks[j]` is observation j's place in trial order. */
export function reorderWeights(trialOrder: ComponentWeights, ranks: Int32Array): ComponentWeights {
  const weights = new Float64Array(trialOrder.weights.length);
  const logWeights = new Float64Array(trialOrder.weights.length);
  for (let j = 0; j < ranks.length; j++) {
    const rank = ranks[j] ?? NaN;
    weights[j] = trialOrder.weights[rank] ?? NaN;
    logWeights[j] = trialOrder.logWeights[rank] ?? NaN;
  }
  const prior = ranks.length;
  weights[prior] = trialOrder.weights[prior] ?? NaN;
  logWeights[prior] = trialOrder.logWeights[prior] ?? NaN;
  return { weights, logWeights };
}

/**
 * The log component weights of a density weighed by bandwidth (see ParzenOptions.weighByBandwidth):
 * w_j * Π_d sigma_jd over the given dimensions' bandwidths, normalised, less the Π_d sigma_jd
 * itself. Each continuous dimension's normal density carries a factor 1 / sigma_jd that cancels
 * that product, so the kernels leave it out (numericKernel) and a component's weight is only
 * log w_j - log Σ_k w_k Π_d sigma_kd: the bandwidths enter through the normaliser alone, and
 * no component needs a logarithm of its own. A new array: `plain` is the cache's.
 */
export function bandwidthLogWeights(plain: ComponentWeights, sigmasByDimension: readonly Float64Array[]): Float64Array {
  const { weights, logWeights } = plain;
  const m = weights.length;
  let logTotal: number;
  if (sigmasByDimension.length === 1) {
    // One dimension: a plain sum, the common case (a univariate estimator).
    const sigmas = sigmasByDimension[0] as Float64Array;
    let total = 0;
    for (let j = 0; j < m; j++) total += (weights[j] ?? NaN) * (sigmas[j] ?? NaN);
    logTotal = Math.log(total);
  } else {
    // Several: in log space, where a product of many small bandwidths would underflow.
    const terms = logWeights.slice();
    for (const sigmas of sigmasByDimension) for (let j = 0; j < m; j++) terms[j] = (terms[j] ?? NaN) + Math.log(sigmas[j] ?? NaN);
    let max = -Infinity;
    for (const value of terms) max = Math.max(max, value);
    let total = 0;
    for (const value of terms) total += Math.exp(value - max);
    logTotal = max + Math.log(total);
  }
  const result = new Float64Array(m);
  for (let j = 0; j < m; j++) result[j] = (logWeights[j] ?? NaN) - logTotal;
  return result;
}

/** componentWeights' cache; entries are never mutated (ParzenEstimator copies before changing). */
const recentWeights = new Map<string, ComponentWeights>();
