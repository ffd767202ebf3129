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
 * pairs with the pair's total weight, computed once per distinct value.
 */
export function loneDiscreteLogPdf(kernel: NumericKernel, logWeights: Float64Array, values: Float64Array, size: number): Float64Array {
  const termsByValue = discreteTermsByValue(kernel, values, size);
  const { pairs, pairOf } = kernel;
  const pairWeights = new Float64Array(pairs.length);
  for (let j = 0; j < pairOf.length; j++) {
    const pair = pairOf[j] ?? NaN;
    pairWeights[pair] = (pairWeights[pair] ?? NaN) + Math.exp(logWeights[j] ?? NaN);
  }
  const logPairWeights = pairWeights.map(Math.log);
  const byValue = new Map<number, number>();
  const result = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const x = values[i] ?? NaN;
    let logP = byValue.get(x);
    if (logP === undefined) {
      // Every sample's value has its terms; the fallback only satisfies the type checker.
      const terms = termsByValue.get(x) ?? cellTerms(kernel, x);
      let max = -Infinity;
      for (let p = 0; p < pairs.length; p++) max = Math.max(max, (terms[p] ?? NaN) + (logPairWeights[p] ?? NaN));
      let sum = 0;
      for (let p = 0; p < pairs.length; p++) sum += Math.exp((terms[p] ?? NaN) + (logPairWeights[p] ?? NaN) - max);
      logP = max === -Infinity ? -Infinity : max + Math.log(sum);
      byValue.set(x, logP);
    }
    result[i] = logP;
  }
  return result;
}
