/**
 * The one-dimensional fast Gauss transform (Greengard and Strain, 1991): a sum of Gaussians
 * of one width, exp(-((x - μ_j) / δ)²) (δ = σ√2), from sources μ_j near a centre c is
 *
 *   Σ_j q_j exp(-((x - μ_j) / δ)²) = Σ_k A_k h_k((x - c) / δ),   A_k = Σ_j q_j ((μ_j - c) / δ)^k / k!
 *
 * where h_k(t) = (-1)^k d^k/dt^k exp(-t²) are the Hermite functions. The moments A_k sum the
 * sources once; a point then costs ORDER terms and one exponential instead of one exponential
 * per source. With sources within half a bandwidth of the centre (|μ_j - c| / δ <= 1/(2√2)),
 * the series cut after ORDER terms is off by under 1e-13 of Σ q_j (Greengard and Strain's
 * bound, r^p / (sqrt(p!) (1 - r)) with r = 0.354, p = 16), whatever x.
 */

/** Terms of the series kept. */
export const ORDER = 16;

/** Adds a source of weight `weight` at `offset` = (μ - c) / δ to the moments at `moments[at .. at + ORDER)`. */
export function addSource(moments: Float64Array, at: number, offset: number, weight: number): void {
  let term = weight;
  for (let k = 0; k < ORDER; k++) {
    moments[at + k] = (moments[at + k] ?? NaN) + term;
    term *= offset / (k + 1);
  }
}

/** Σ_k moments[at + k] h_k(t): the sources' sum at a point t = (x - c) / δ from their centre. */
export function hermiteSum(moments: Float64Array, at: number, t: number): number {
  // h_0 = exp(-t²), h_1 = 2t exp(-t²), h_{k+1} = 2t h_k - 2k h_{k-1}: stable upwards.
  let previous = Math.exp(-t * t);
  let current = 2 * t * previous;
  let sum = (moments[at] ?? NaN) * previous + (moments[at + 1] ?? NaN) * current;
  for (let k = 1; k < ORDER - 1; k++) {
    const next = 2 * t * current - 2 * k * previous;
    previous = current;
    current = next;
    sum += (moments[at + k + 1] ?? NaN) * current;
  }
  return sum;
}
