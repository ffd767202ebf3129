import type { NumericKernel } from './numeric-kernel.js';
import { logCellMass } from './truncated-normal.js';

/**
 * For one discrete dimension, each distinct sample value's log cell mass (normalised) under each
 * distinct (mu, sigma) pair; component j uses its pair's entry. A value repeated among the
 * samples (common on small grids) is integrated once.
 */
export function discreteTermsByValue(kernel: NumericKernel, values: Float64Array, size: number): Map<number, Float64Array> {
  const byValue = new Map<number, Float64Array>();
  for (let i = 0; i < size; i++) {
    const x = values[i] ?? NaN;
    if (!byValue.has(x)) byValue.set(x, cellTerms(kernel, x));
  }
  return byValue;
}

/** The log cell mass of the sample value x under each distinct (mu, sigma) pair, normalised. */
export function cellTerms(kernel: NumericKernel, x: number): Float64Array {
  const { mus, sigmas, logNormalisers, dimension, pairs } = kernel;
  const [cellLow, cellHigh] = dimension.cell(x);
  const lower = Math.max(cellLow, dimension.low);
  const upper = Math.min(cellHigh, dimension.high);
  const pairTerms = new Float64Array(pairs.length);
  for (let p = 0; p < pairs.length; p++) {
    const j = pairs[p] ?? NaN;
    const mu = mus[j] ?? NaN;
    const sigma = sigmas[j] ?? NaN;
    pairTerms[p] = logCellMass((lower - mu) / sigma, (upper - mu) / sigma) + (logNormalisers[j] ?? NaN);
  }
  return pairTerms;
}

/**
 * The log probability of each sample when one discrete dimension is the estimator's only one:
 * components sharing a (mu, sigma) pair have the same cell masses, so the mixture is a sum over
 * pairs with the pair's total weight, computed once per distinct value. `weights` are the
 * normalised component weights (the prior last).
 */
export function loneDiscreteLogPdf(kernel: NumericKernel, weights: Float64Array, values: Float64Array, size: number): Float64Array {
  const { pairs, pairOf, logNormalisers } = kernel;
  const pairWeights = new Float64Array(pairs.length);
  for (let j = 0; j < pairOf.length; j++) {
    const pair = pairOf[j] ?? NaN;
    pairWeights[pair] = (pairWeights[pair] ?? NaN) + (weights[j] ?? NaN);
  }
  // Each pair's term less its log cell mass: its log total weight and its normaliser.
  const constants = new Float64Array(pairs.length);
  for (let p = 0; p < pairs.length; p++) constants[p] = Math.log(pairWeights[p] ?? NaN) + (logNormalisers[pairs[p] ?? NaN] ?? NaN);
  const scratch = { bounds: new Float64Array(pairs.length), terms: new Float64Array(pairs.length) };
  const byValue = new Map<number, number>();
  const result = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const x = values[i] ?? NaN;
    let logP = byValue.get(x);
    if (logP === undefined) byValue.set(x, (logP = pairMixtureAt(kernel, constants, x, scratch)));
    result[i] = logP;
  }
  return result;
}

/** Terms more than this far below the largest add under 1e-17 of it: the log-sum-exp leaves them out. */
const FLOOR = 40;

/**
 * log Σ_p exp(constants[p] + log mass of x's cell under pair p). A cell's mass is at most
 * e^(-z²/2) for z the distance from the pair's mean to the cell in its sigmas (the normal's
 * tail bound, with a margin of e), so a pair whose bound is below the floor of a term already
 * known is left out without its erfc: with many trials most pairs are far from any one cell,
 * and the result is the same as over all pairs (only terms under the floor are skipped).
 */
function pairMixtureAt(
  kernel: NumericKernel,
  constants: Float64Array,
  x: number,
  scratch: { bounds: Float64Array; terms: Float64Array },
): number {
  const { pairs, mus, sigmas, dimension } = kernel;
  const { bounds, terms } = scratch;
  const [cellLow, cellHigh] = dimension.cell(x);
  const lower = Math.max(cellLow, dimension.low);
  const upper = Math.min(cellHigh, dimension.high);
  const exact = (p: number): number => {
    const j = pairs[p] ?? NaN;
    const mu = mus[j] ?? NaN;
    const sigma = sigmas[j] ?? NaN;
    return logCellMass((lower - mu) / sigma, (upper - mu) / sigma) + (constants[p] ?? NaN);
  };
  let best = 0;
  for (let p = 0; p < pairs.length; p++) {
    const j = pairs[p] ?? NaN;
    const mu = mus[j] ?? NaN;
    const z = (mu < lower ? lower - mu : mu > upper ? mu - upper : 0) / (sigmas[j] ?? NaN);
    const bound = (constants[p] ?? NaN) + 1 - 0.5 * z * z;
    bounds[p] = bound;
    if (bound > (bounds[best] ?? NaN)) best = p;
  }
  const cut = exact(best) - FLOOR;
  let max = -Infinity;
  for (let p = 0; p < pairs.length; p++) {
    const term = (bounds[p] ?? NaN) < cut ? -Infinity : exact(p);
    terms[p] = term;
    if (term > max) max = term;
  }
  if (max === -Infinity) return -Infinity;
  const floor = max - FLOOR;
  let sum = 0;
  for (let p = 0; p < pairs.length; p++) {
    const term = terms[p] ?? NaN;
    if (term > floor) sum += Math.exp(term - max);
  }
  return max + Math.log(sum);
}
