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
 * log of w_j * Π_d sigma_jd over the given dimensions' log bandwidths, normalised to sum to 1
 * (see ParzenOptions.weighByBandwidth). A new array: `plain` may be the cache's.
 */
export function bandwidthLogWeights(plain: Float64Array, logSigmasByDimension: readonly Float64Array[]): Float64Array {
  const logWeights = plain.slice();
  for (const logSigmas of logSigmasByDimension) {
    for (let j = 0; j < logWeights.length; j++) logWeights[j] = (logWeights[j] ?? NaN) + (logSigmas[j] ?? NaN);
  }
  let max = -Infinity;
  for (const value of logWeights) max = Math.max(max, value);
  let total = 0;
  for (const value of logWeights) total += Math.exp(value - max);
  const logTotal = max + Math.log(total);
  return logWeights.map((value) => value - logTotal);
}

/** componentWeights' cache; entries are never mutated (ParzenEstimator copies before changing). */
const recentWeights = new Map<string, ComponentWeights>();
