import type { CategoricalKernel } from './categorical-kernel.js';
import { cellTerms, discreteTermsByValue } from './discrete-log-pdf.js';
import type { NumericKernel } from './numeric-kernel.js';

/** An estimator's kernels by the way their densities are computed. */
export interface MixtureKernels {
  readonly continuous: readonly NumericKernel[];
  readonly discrete: readonly NumericKernel[];
  readonly categorical: readonly CategoricalKernel[];
}

/** One dimension's values (samples or observations), at the place the estimator gave it. */
export function sampleColumn(samples: readonly Float64Array[], column: number): Float64Array {
  const values = samples[column];
  if (!values) throw new RangeError(`there must be one array of values per dimension, but got ${samples.length} (none at ${column})`);
  return values;
}

/**
 * The general case, any mix of dimensions: log Σ_j w_j Π_d p_jd(x_d) for each sample, the plain
 * path the lone-dimension shortcuts must agree with. One row of components per sample sums
 * every dimension's term, dimension by dimension so that each loop is tight and monomorphic,
 * then a log-sum-exp over the row. Discrete dimensions integrate each component over the
 * sample's cell, once per distinct value; a sample equal to an earlier one (common on small
 * grids and for categoricals) reuses its result.
 */
export function mixtureLogPdf(
  kernels: MixtureKernels,
  logWeights: Float64Array,
  samples: readonly Float64Array[],
  size: number,
): Float64Array {
  const { continuous, discrete, categorical } = kernels;
  const m = logWeights.length;
  const n = m - 1;
  const continuousParts = continuous.map((kernel) => ({ kernel, values: sampleColumn(samples, kernel.column) }));
  const discreteParts = discrete.map((kernel) => {
    const values = sampleColumn(samples, kernel.column);
    return { kernel, values, termsByValue: discreteTermsByValue(kernel, values, size) };
  });
  const categoricalParts = categorical.map((kernel) => ({
    kernel,
    values: sampleColumn(samples, kernel.column),
    logUniform: -Math.log(kernel.dimension.choices.length),
  }));
  const result = new Float64Array(size);
  const row = new Float64Array(m);
  // Continuous draws virtually never repeat; grid and categorical values often do.
  const mayRepeat = discrete.length + categorical.length > 0;
  for (let i = 0; i < size; i++) {
    const same = mayRepeat ? earlierEqualSample(samples, i) : -1;
    if (same >= 0) {
      result[i] = result[same] ?? NaN;
      continue;
    }
    row.set(logWeights);
    for (const { kernel, values } of continuousParts) {
      const { mus, inverseSigmas, logNormalisers } = kernel;
      const x = values[i] ?? NaN;
      for (let j = 0; j < m; j++) {
        const z = (x - (mus[j] ?? NaN)) * (inverseSigmas[j] ?? NaN);
        row[j] = (row[j] ?? NaN) + (logNormalisers[j] ?? NaN) - 0.5 * z * z;
      }
    }
    for (const { kernel, values, termsByValue } of discreteParts) {
      const x = values[i] ?? NaN;
      // Every sample's value has its terms; the fallback only satisfies the type checker.
      const pairTerms = termsByValue.get(x) ?? cellTerms(kernel, x);
      const { pairOf } = kernel;
      for (let j = 0; j < m; j++) row[j] = (row[j] ?? NaN) + (pairTerms[pairOf[j] ?? NaN] ?? NaN);
    }
    for (const { kernel, values, logUniform } of categoricalParts) {
      const { observed, logHit, logMiss } = kernel;
      const choice = values[i] ?? NaN;
      for (let j = 0; j < n; j++) row[j] = (row[j] ?? NaN) + (observed[j] === choice ? logHit : logMiss);
      row[n] = (row[n] ?? NaN) + logUniform;
    }
    let max = -Infinity;
    for (let j = 0; j < m; j++) {
      const value = row[j] ?? NaN;
      if (value > max) max = value;
    }
    if (max === -Infinity) {
      result[i] = -Infinity;
      continue;
    }
    // Terms more than 40 below the largest add under 1e-17 of it: not worth an exp each.
    let sum = 0;
    const floor = max - 40;
    for (let j = 0; j < m; j++) {
      const value = row[j] ?? NaN;
      if (value > floor) sum += Math.exp(value - max);
    }
    result[i] = max + Math.log(sum);
  }
  return result;
}

/** The first earlier sample with the same value in every dimension, or -1. */
function earlierEqualSample(samples: readonly Float64Array[], i: number): number {
  for (let earlier = 0; earlier < i; earlier++) {
    if (samples.every((values) => values[earlier] === values[i])) return earlier;
  }
  return -1;
}
