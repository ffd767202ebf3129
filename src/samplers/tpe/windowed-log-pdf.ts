import { lowerBound } from './lower-bound.js';
import type { NumericKernel } from './numeric-kernel.js';

/**
 * The fast path of the univariate continuous case, the one most suggestions take: two passes
 * over the components instead of the general mixture's four and, with sorted means, only over
 * the blocks of components that can matter at x. The blocks left out hold terms all below the
 * largest term minus 40, which the log-sum-exp skips anyway, so the result is the general
 * mixture's to the last bit (test/samplers/tpe/windowed-log-pdf.test.ts checks it).
 */

/** Components per block of the pruning. */
const BLOCK = 32;

/**
 * Blocks of consecutive (sorted) components, each with the largest log weight + log normaliser
 * and the largest bandwidth in it: a block whose nearest mean is far from x, in units of its
 * widest component, cannot come within 40 (the log-sum-exp floor) of the largest term.
 */
export interface ContributionWindow {
  readonly peaks: Float64Array;
  readonly widest: Float64Array;
}

export function contributionWindow(kernel: NumericKernel, logWeights: Float64Array): ContributionWindow {
  const n = kernel.mus.length - 1;
  const blocks = Math.ceil(n / BLOCK);
  const peaks = new Float64Array(blocks);
  const widest = new Float64Array(blocks);
  const { logNormalisers, sigmas } = kernel;
  for (let b = 0; b < blocks; b++) {
    let peak = -Infinity;
    let wide = 0;
    for (let j = b * BLOCK; j < Math.min(n, (b + 1) * BLOCK); j++) {
      peak = Math.max(peak, (logWeights[j] ?? NaN) + (logNormalisers[j] ?? NaN));
      wide = Math.max(wide, sigmas[j] ?? NaN);
    }
    peaks[b] = peak;
    widest[b] = wide;
  }
  return { peaks, widest };
}

/** The log density of each sample when one continuous dimension is the estimator's only one. */
export function loneContinuousLogPdf(kernel: NumericKernel, logWeights: Float64Array, values: Float64Array, size: number): Float64Array {
  const result = new Float64Array(size);
  if (size === 0) return result;
  const row = new Float64Array(logWeights.length);
  const window = kernel.sorted ? contributionWindow(kernel, logWeights) : undefined;
  for (let i = 0; i < size; i++) result[i] = continuousLogPdfAt(kernel, values[i] ?? NaN, logWeights, row, window);
  return result;
}

/**
 * log Σ_j w_j p_j(x) for one continuous kernel; `row` is scratch space, one entry per component.
 * Without a window (unsorted means) every component is visited.
 */
export function continuousLogPdfAt(
  kernel: NumericKernel,
  x: number,
  logWeights: Float64Array,
  row: Float64Array,
  window?: ContributionWindow,
): number {
  const { mus, inverseSigmas, logNormalisers } = kernel;
  const n = row.length - 1;
  const term = (j: number): number => {
    const z = (x - (mus[j] ?? NaN)) * (inverseSigmas[j] ?? NaN);
    return (logWeights[j] ?? NaN) + (logNormalisers[j] ?? NaN) - 0.5 * z * z;
  };
  const prior = term(n);
  let max = prior;
  // A lower bound of the largest term: the prior's and the nearest components'.
  let known = prior;
  if (window && n > 0) {
    const nearest = Math.min(n - 1, lowerBound(mus, x, 0, n));
    known = Math.max(known, term(nearest), nearest > 0 ? term(nearest - 1) : -Infinity);
  }
  const blocks = window ? window.peaks.length : 1;
  const live = new Uint8Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const from = window ? b * BLOCK : 0;
    const to = window ? Math.min(n, from + BLOCK) : n;
    if (window) {
      const first = mus[from] ?? NaN;
      const last = mus[to - 1] ?? NaN;
      const distance = x < first ? first - x : x > last ? x - last : 0;
      const z = distance / (window.widest[b] ?? NaN);
      if ((window.peaks[b] ?? NaN) - 0.5 * z * z < known - 40) continue;
    }
    live[b] = 1;
    for (let j = from; j < to; j++) {
      const value = term(j);
      row[j] = value;
      if (value > max) max = value;
    }
  }
  if (max === -Infinity) return -Infinity;
  const floor = max - 40;
  let sum = 0;
  for (let b = 0; b < blocks; b++) {
    if (live[b] === 0) continue;
    const from = window ? b * BLOCK : 0;
    const to = window ? Math.min(n, from + BLOCK) : n;
    for (let j = from; j < to; j++) {
      const value = row[j] ?? NaN;
      if (value > floor) sum += Math.exp(value - max);
    }
  }
  if (prior > floor) sum += Math.exp(prior - max);
  return max + Math.log(sum);
}
