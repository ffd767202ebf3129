import type { Rng } from '../../random/rng.js';
import { scottBandwidth } from './bandwidth.js';
import { categoricalKernel, loneCategoricalLogPdf, sampleChoice, type CategoricalKernel } from './categorical-kernel.js';
import { bandwidthLogWeights, componentWeights, reorderWeights } from './component-weights.js';
import { loneDiscreteLogPdf } from './discrete-log-pdf.js';
import { mixtureLogPdf, sampleColumn, type MixtureKernels } from './mixture-log-pdf.js';
import { numericKernel, sampleNumeric, type NumericKernel } from './numeric-kernel.js';
import type { TpeDimension } from './tpe-dimension.js';
import { loneContinuousLogPdf } from './windowed-log-pdf.js';

export interface ParzenOptions {
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  /** One bandwidth per dimension by Scott's rule (BOHB), instead of the neighbour rule per dimension. */
  readonly multivariate: boolean;
  /**
   * Score with component weights proportional to w_j times the component's continuous
   * bandwidths. Optuna 3.1-3.4 scored candidates with kernels of equal peak height (its
   * truncnorm.logpdf left out -log sigma, optuna#5109); that is exactly a normalised mixture
   * with these weights, so this keeps Optuna 3.1's choices while logPdf stays a density. It
   * measured better than plain weights on our benchmarks (bench/README.md). Sampling always
   * uses the plain weights, as Optuna does.
   */
  readonly weighByBandwidth: boolean;
}

/**
 * A mixture with one component per observation plus the prior, over a group of dimensions
 * (Optuna's _ParzenEstimator). In multivariate mode one component drives every dimension of a
 * sample; a one-dimension estimator is the univariate case.
 *
 * Observations are in internal coordinates (see TpeDimension), one array per dimension, in
 * trial order (the weights down-weight the oldest).
 *
 * The estimator's files read typed arrays as `values[i] ?? NaN`: indices are in range, and a
 * read out of range would give NaN, as the `undefined` it replaces would in arithmetic. V8
 * folds the `??` away; a helper function for it cost the general mixture 20% (measured).
 */
export class ParzenEstimator {
  /** Normalised component weights for sampling; the prior is the last component. Shared with the weight cache: never handed out. */
  private readonly sampleWeights: Float64Array;
  /** log of the weights the density uses (see ParzenOptions.weighByBandwidth). */
  private readonly logWeights: Float64Array;
  /** For sampling; made on the first draw, since the estimator of g(x) is never drawn from. */
  private cumulativeWeights: Float64Array | undefined;
  private readonly numeric: NumericKernel[] = [];
  private readonly categorical: CategoricalKernel[] = [];
  private readonly kernels: MixtureKernels;

  /**
   * `sortedRanks`, for a one-dimension estimator whose observations come sorted ascending (ties
   * in trial order): each observation's place in trial order, which decides its weight. The
   * neighbour bandwidths then need no sort; the mixture is the same as in trial order.
   */
  constructor(
    readonly dimensions: readonly TpeDimension[],
    observations: readonly Float64Array[],
    options: ParzenOptions,
    sortedRanks?: Int32Array,
  ) {
    const n = observations[0]?.length ?? 0;
    const shared = sortedRanks
      ? reorderWeights(componentWeights(n, options.priorWeight), sortedRanks)
      : componentWeights(n, options.priorWeight);
    this.sampleWeights = shared.weights;
    const scottScale = options.multivariate ? scottBandwidth(n, dimensions.length) : undefined;
    // A dimension listed twice reads the samples at its last place, as a lookup by dimension would.
    const columns = new Map(dimensions.map((dimension, d) => [dimension, d]));
    dimensions.forEach((dimension, d) => {
      const column = columns.get(dimension) ?? d;
      const values = sampleColumn(observations, d);
      if (dimension.kind === 'categorical') this.categorical.push(categoricalKernel(dimension, column, values, options.priorWeight));
      else this.numeric.push(numericKernel(dimension, column, values, scottScale, options, sortedRanks !== undefined));
    });
    const continuous = this.numeric.filter((kernel) => !kernel.dimension.discrete);
    this.kernels = { continuous, discrete: this.numeric.filter((kernel) => kernel.dimension.discrete), categorical: this.categorical };
    this.logWeights =
      options.weighByBandwidth && continuous.length > 0
        ? bandwidthLogWeights(
            shared,
            continuous.map((kernel) => kernel.sigmas),
          )
        : shared.logWeights;
  }

  /** A copy of the normalised component weights for sampling; the prior is the last component. */
  get weights(): Float64Array {
    return this.sampleWeights.slice();
  }

  get components(): number {
    return this.sampleWeights.length;
  }

  /** A numeric dimension's component means and bandwidths (internal coordinates; the prior last). */
  kernelOf(name: string): { mus: Float64Array; sigmas: Float64Array } {
    const kernel = this.numeric.find((k) => k.dimension.name === name);
    if (!kernel) throw new RangeError(`no numeric dimension named ${name} in this estimator`);
    return { mus: kernel.mus.slice(), sigmas: kernel.sigmas.slice() };
  }

  /** `size` draws, one array of internal values per dimension (in `dimensions` order). */
  sample(rng: Rng, size: number): Float64Array[] {
    const samples = this.dimensions.map(() => new Float64Array(size));
    const numeric = this.numeric.map((kernel) => ({ kernel, values: sampleColumn(samples, kernel.column) }));
    const categorical = this.categorical.map((kernel) => ({ kernel, values: sampleColumn(samples, kernel.column) }));
    for (let i = 0; i < size; i++) {
      // Draw order (component, then numeric and categorical dimensions) fixes the stream: keep it.
      const component = this.pickComponent(rng.float());
      for (const { kernel, values } of numeric) values[i] = sampleNumeric(kernel, component, rng.float());
      for (const { kernel, values } of categorical) values[i] = sampleChoice(kernel, component, rng.float());
    }
    return samples;
  }

  /**
   * log density (log probability for discrete and categorical dimensions) of each sample:
   * log Σ_j w_j Π_d p_jd(x_d). A lone dimension takes its shortcut; any other mix the general
   * mixture (mixture-log-pdf.ts).
   */
  logPdf(samples: readonly Float64Array[], size: number): Float64Array {
    if (this.dimensions.length === 1) {
      const [numeric] = this.numeric;
      const [categorical] = this.categorical;
      // Without a continuous dimension the density's weights are the plain ones (no bandwidths to weigh by).
      if (categorical) return loneCategoricalLogPdf(categorical, this.sampleWeights, sampleColumn(samples, categorical.column), size);
      if (numeric?.dimension.discrete) return loneDiscreteLogPdf(numeric, this.sampleWeights, sampleColumn(samples, numeric.column), size);
      if (numeric) return loneContinuousLogPdf(numeric, this.logWeights, sampleColumn(samples, numeric.column), size);
    }
    return mixtureLogPdf(this.kernels, this.logWeights, samples, size);
  }

  private pickComponent(u: number): number {
    const cumulative = (this.cumulativeWeights ??= cumulativeSums(this.sampleWeights));
    // Binary search in the cumulative weights: the first component whose cumulative weight exceeds u.
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] ?? NaN) > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

function cumulativeSums(weights: Float64Array): Float64Array {
  const sums = new Float64Array(weights.length);
  let sum = 0;
  for (let j = 0; j < weights.length; j++) sums[j] = sum += weights[j] ?? NaN;
  return sums;
}
