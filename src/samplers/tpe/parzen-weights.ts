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
const FLAT_WEIGHTS = 25;

/** defaultWeights(n)[rank], without the array (for densities kept between suggestions, where n moves each time). */
export function defaultWeight(n: number, rank: number): number {
  const ramp = n - FLAT_WEIGHTS;
  if (rank >= ramp) return 1;
  // numpy.linspace(1 / n, 1, ramp): both ends included; a single point is the start.
  return ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * rank) / (ramp - 1);
}

/**
 * defaultWeight(n, ·) in linear form, u(rank) = alpha + beta · rank below `ramp` and 1 from
 * there: what the kept densities sum by count and by rank sum (equal to defaultWeight up to
 * rounding).
 */
export interface LinearRamp {
  readonly ramp: number;
  readonly alpha: number;
  readonly beta: number;
}

export function linearRamp(n: number): LinearRamp {
  const ramp = n - FLAT_WEIGHTS;
  return { ramp, alpha: 1 / n, beta: ramp > 1 ? (1 - 1 / n) / (ramp - 1) : 0 };
}

/** A rank's weight by the linear form. */
export function rampWeight({ ramp, alpha, beta }: LinearRamp, rank: number): number {
  return rank < ramp ? alpha + beta * rank : 1;
}
