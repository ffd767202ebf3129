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

/**
 * Σ_k moments[at + k] ∫_ta^tb h_k(t) dt, the sources' sum integrated over [ta, tb] (from their
 * centre, in units of δ). Since h_k = -h'_{k-1}, ∫ h_k = h_{k-1}(ta) - h_{k-1}(tb) for k >= 1,
 * and ∫ h_0 = (√π / 2) (erf(tb) - erf(ta)), which `gaussMass` gives as √π (Φ(tb√2) - Φ(ta√2)).
 */
export function hermiteIntegral(moments: Float64Array, at: number, ta: number, tb: number, gaussMass: number): number {
  let sum = (moments[at] ?? NaN) * Math.sqrt(Math.PI) * gaussMass;
  let previousA = Math.exp(-ta * ta);
  let previousB = Math.exp(-tb * tb);
  sum += (moments[at + 1] ?? NaN) * (previousA - previousB);
  let currentA = 2 * ta * previousA;
  let currentB = 2 * tb * previousB;
  for (let k = 1; k < ORDER - 1; k++) {
    sum += (moments[at + k + 1] ?? NaN) * (currentA - currentB);
    const nextA = 2 * ta * currentA - 2 * k * previousA;
    const nextB = 2 * tb * currentB - 2 * k * previousB;
    previousA = currentA;
    previousB = currentB;
    currentA = nextA;
    currentB = nextB;
  }
  return sum;
}
