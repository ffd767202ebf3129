/**
 * How many of the n finished trials form the "good" density l(x): Optuna's default gamma,
 * min(ceil(0.1 n), 25).
 */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * Weights of n observations in trial order (Optuna's default_weights): equal up to 25; beyond
 * that the 25 newest weigh 1 and the older ones ramp linearly from 1/n up to 1, so that the
 * density follows where the search has moved.
 */
export function defaultWeights(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, rank) => defaultWeight(n, rank));
}

/** The newest observations that all weigh 1 (the older ones ramp up from 1/n). */
export const FLAT_WEIGHTS = 25;

/** defaultWeights(n)[rank], without the array (for densities kept between suggestions, where n moves each time). */
export function defaultWeight(n: number, rank: number): number {
  const ramp = n - FLAT_WEIGHTS;
  if (rank >= ramp) return 1;
  // numpy.linspace(1 / n, 1, ramp): both ends included; a single point is the start.
  return ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * rank) / (ramp - 1);
}
