import type { Rng } from '../../random/rng.js';
import { defaultWeights } from './parzen-weights.js';
import type { CategoricalDimension, NumericDimension, TpeDimension } from './tpe-dimension.js';
import { logCellMass, logGaussMass, normLogPdf, truncatedNormalPpf } from './truncated-normal.js';

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

/** Scott-rule scale of multivariate bandwidths, as in BOHB and Optuna (SIGMA0_MAGNITUDE). */
const SIGMA0_MAGNITUDE = 0.2;
const EPS = 1e-12;

/** Per-component truncated normals on [low, high] for one numeric dimension. */
interface NumericKernel {
  readonly dimension: NumericDimension;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Continuous dimensions only (empty for discrete ones). */
  readonly inverseSigmas: Float64Array;
  readonly logSigmas: Float64Array;
  /**
   * -log of each component's mass on [low, high]; for continuous densities also the normal's
   * constant and -log(sigma), so a density term is this minus z²/2.
   */
  readonly logNormalisers: Float64Array;
  /**
   * Discrete dimensions: components with the same (mu, sigma) share their cell masses. On a
   * grid of a few values most of the n components coincide, so each distinct pair is
   * evaluated once (`pairOf[j]` is component j's pair, `pairs` lists one component per pair).
   */
  readonly pairOf?: Int32Array;
  readonly pairs?: Int32Array;
  /** The observations' means (all components but the prior, which is last) are ascending. */
  readonly sorted: boolean;
}

/**
 * Per-component probabilities over the choices. Every observation's row is the same smoothing
 * on every choice plus 1 on its own choice, normalised, so a row is two numbers: the
 * probability of the observed choice and that of any other; the prior's row is uniform.
 */
interface CategoricalKernel {
  readonly dimension: CategoricalDimension;
  /** Each component's own choice; -1 for the prior. */
  readonly observed: Int32Array;
  readonly hit: number;
  readonly miss: number;
  readonly logHit: number;
  readonly logMiss: number;
}

/**
 * A mixture with one component per observation plus the prior, over a group of dimensions
 * (Optuna's _ParzenEstimator). In multivariate mode one component drives every dimension of a
 * sample; a one-dimension estimator is the univariate case.
 *
 * Observations are in internal coordinates (see TpeDimension), one array per dimension, in
 * trial order (the weights down-weight the oldest).
 */
export class ParzenEstimator {
  /** Normalised component weights for sampling; the prior is the last component. */
  readonly weights: Float64Array;
  /** log of the weights the density uses (see ParzenOptions.weighByBandwidth). */
  private readonly logWeights: Float64Array;
  private readonly cumulativeWeights: Float64Array;
  private readonly numeric: NumericKernel[] = [];
  private readonly categorical: CategoricalKernel[] = [];

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
    const shared = sortedRanks ? reorderWeights(componentWeights(n, options.priorWeight), sortedRanks) : componentWeights(n, options.priorWeight);
    this.weights = shared.weights;
    this.cumulativeWeights = new Float64Array(this.weights.length);
    let sum = 0;
    this.weights.forEach((weight, j) => (this.cumulativeWeights[j] = sum += weight));
    const sigma0 = options.multivariate ? SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (dimensions.length + 4)) : undefined;
    dimensions.forEach((dimension, d) => {
      const values = observations[d] as Float64Array;
      if (dimension.kind === 'categorical') this.categorical.push(categoricalKernel(dimension, values, options.priorWeight));
      else this.numeric.push(numericKernel(dimension, values, sigma0, options, sortedRanks !== undefined));
    });
    this.logWeights = options.weighByBandwidth && this.numeric.some((kernel) => !kernel.dimension.discrete) ? this.bandwidthLogWeights(shared.logWeights) : shared.logWeights;
  }

  /** log of w_j * Π_d sigma_jd over continuous dimensions, normalised to sum to 1. */
  private bandwidthLogWeights(plain: Float64Array): Float64Array {
    const logWeights = plain.slice();
    for (const kernel of this.numeric) {
      if (kernel.dimension.discrete) continue;
      for (let j = 0; j < logWeights.length; j++) logWeights[j] = (logWeights[j] as number) + (kernel.logSigmas[j] as number);
    }
    let max = -Infinity;
    for (const value of logWeights) max = Math.max(max, value);
    let total = 0;
    for (const value of logWeights) total += Math.exp(value - max);
    const logTotal = max + Math.log(total);
    return logWeights.map((value) => value - logTotal);
  }

  get components(): number {
    return this.weights.length;
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
    const index = new Map(this.dimensions.map((dimension, d) => [dimension, d]));
    for (let i = 0; i < size; i++) {
      const component = this.pickComponent(rng.float());
      for (const kernel of this.numeric) {
        const mu = kernel.mus[component] as number;
        const sigma = kernel.sigmas[component] as number;
        const { low, high } = kernel.dimension;
        const standard = truncatedNormalPpf(rng.float(), (low - mu) / sigma, (high - mu) / sigma);
        (samples[index.get(kernel.dimension) as number] as Float64Array)[i] = Math.min(high, Math.max(low, mu + sigma * standard));
      }
      for (const kernel of this.categorical) {
        (samples[index.get(kernel.dimension) as number] as Float64Array)[i] = sampleChoice(kernel, component, rng.float());
      }
    }
    return samples;
  }

  /**
   * log density (log probability for discrete and categorical dimensions) of each sample:
   * log Σ_j w_j Π_d p_jd(x_d). One pass per sample over the components sums every dimension's
   * term and keeps the running maximum for the log-sum-exp. Discrete dimensions integrate each
   * component over the sample's cell, computed once per distinct value; a sample equal to an
   * earlier one (common on small grids and for categoricals) reuses its result.
   */
  logPdf(samples: readonly Float64Array[], size: number): Float64Array {
    const m = this.components;
    const n = m - 1;
    const index = new Map(this.dimensions.map((dimension, d) => [dimension, d]));
    const column = (dimension: TpeDimension): Float64Array => samples[index.get(dimension) as number] as Float64Array;
    const continuous = this.numeric.filter((kernel) => !kernel.dimension.discrete);
    const discrete = this.numeric.filter((kernel) => kernel.dimension.discrete);
    const continuousValues = continuous.map((kernel) => column(kernel.dimension));
    const discreteTerms = discrete.map((kernel) => discreteTermsByValue(kernel, column(kernel.dimension), size));
    const discreteValues = discrete.map((kernel) => column(kernel.dimension));
    const categoricalValues = this.categorical.map((kernel) => column(kernel.dimension));
    const logUniforms = this.categorical.map((kernel) => -Math.log(kernel.dimension.choices.length));

    const result = new Float64Array(size);
    if (this.dimensions.length === 1 && this.categorical.length === 1) return this.loneCategoricalLogPdf(categoricalValues[0] as Float64Array, size);
    if (this.dimensions.length === 1 && discrete.length === 1) {
      return loneDiscreteLogPdf(discrete[0] as NumericKernel, discreteTerms[0] as Map<number, Float64Array>, discreteValues[0] as Float64Array, size, this.logWeights);
    }
    const row = new Float64Array(m);
    let window: ContributionWindow | undefined;
    for (let i = 0; i < size; i++) {
      // Continuous draws virtually never repeat; grid and categorical values often do.
      const same = discrete.length + this.categorical.length > 0 ? earlierEqualSample(samples, i) : -1;
      if (same >= 0) {
        result[i] = result[same] as number;
        continue;
      }
      if (continuous.length === 1 && discrete.length === 0 && this.categorical.length === 0) {
        const kernel = continuous[0] as NumericKernel;
        window ??= kernel.sorted ? contributionWindow(kernel, this.logWeights) : undefined;
        result[i] = loneContinuousLogPdf(kernel, (continuousValues[0] as Float64Array)[i] as number, this.logWeights, row, window);
        continue;
      }
      // Dimension by dimension over one row of components: each loop is tight and monomorphic.
      row.set(this.logWeights);
      for (let c = 0; c < continuous.length; c++) {
        const { mus, inverseSigmas, logNormalisers } = continuous[c] as NumericKernel;
        const x = (continuousValues[c] as Float64Array)[i] as number;
        for (let j = 0; j < m; j++) {
          const z = (x - (mus[j] as number)) * (inverseSigmas[j] as number);
          row[j] = (row[j] as number) + (logNormalisers[j] as number) - 0.5 * z * z;
        }
      }
      for (let d = 0; d < discrete.length; d++) {
        const pairTerms = (discreteTerms[d] as Map<number, Float64Array>).get((discreteValues[d] as Float64Array)[i] as number) as Float64Array;
        const pairOf = (discrete[d] as NumericKernel).pairOf as Int32Array;
        for (let j = 0; j < m; j++) row[j] = (row[j] as number) + (pairTerms[pairOf[j] as number] as number);
      }
      for (let k = 0; k < this.categorical.length; k++) {
        const { observed, logHit, logMiss } = this.categorical[k] as CategoricalKernel;
        const choice = (categoricalValues[k] as Float64Array)[i] as number;
        for (let j = 0; j < n; j++) row[j] = (row[j] as number) + (observed[j] === choice ? logHit : logMiss);
        row[n] = (row[n] as number) + (logUniforms[k] as number);
      }
      let max = -Infinity;
      for (let j = 0; j < m; j++) if ((row[j] as number) > max) max = row[j] as number;
      if (max === -Infinity) {
        result[i] = -Infinity;
        continue;
      }
      // Terms more than 40 below the largest add under 1e-17 of it: not worth an exp each.
      let sum = 0;
      const floor = max - 40;
      for (let j = 0; j < m; j++) {
        const value = row[j] as number;
        if (value > floor) sum += Math.exp(value - max);
      }
      result[i] = max + Math.log(sum);
    }
    return result;
  }

  /**
   * One categorical dimension: the mixture collapses to one probability per choice,
   * Σ_j w_j P_j(c) (Optuna's shortcut for this case), computed once for all samples.
   */
  private loneCategoricalLogPdf(values: Float64Array, size: number): Float64Array {
    const kernel = this.categorical[0] as CategoricalKernel;
    const k = kernel.dimension.choices.length;
    const n = kernel.observed.length;
    const weightOfChoice = new Float64Array(k);
    let observedWeight = 0;
    for (let j = 0; j < n; j++) {
      const w = Math.exp(this.logWeights[j] as number);
      const choice = kernel.observed[j] as number;
      weightOfChoice[choice] = (weightOfChoice[choice] as number) + w;
      observedWeight += w;
    }
    const priorShare = Math.exp(this.logWeights[n] as number) / k;
    const logProbabilities = weightOfChoice.map((w) => Math.log(kernel.hit * w + kernel.miss * (observedWeight - w) + priorShare));
    const result = new Float64Array(size);
    for (let i = 0; i < size; i++) result[i] = logProbabilities[values[i] as number] as number;
    return result;
  }

  private pickComponent(u: number): number {
    // Binary search in the cumulative weights: the first component whose cumulative weight exceeds u.
    let low = 0;
    let high = this.cumulativeWeights.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.cumulativeWeights[mid] as number) > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

/**
 * The normalised component weights for n observations and the prior. Every estimator of a
 * suggestion with the same number of observations shares them (all the univariate estimators
 * of unconditional parameters do), so the last few are kept.
 */
function componentWeights(n: number, priorWeight: number): { weights: Float64Array; logWeights: Float64Array } {
  const key = `${n}:${priorWeight}`;
  const known = recentWeights.get(key);
  if (known) return known;
  const weights = new Float64Array(n + 1);
  weights.set(defaultWeights(n));
  weights[n] = priorWeight;
  const total = weights.reduce((sum, w) => sum + w, 0);
  for (let j = 0; j <= n; j++) weights[j] = (weights[j] as number) / total;
  const entry = { weights, logWeights: weights.map(Math.log) };
  if (recentWeights.size >= 8) recentWeights.delete(recentWeights.keys().next().value as string);
  recentWeights.set(key, entry);
  return entry;
}

/** Weights of observations given in another order: `ranks[j]` is observation j's place in trial order. */
function reorderWeights(trialOrder: { weights: Float64Array; logWeights: Float64Array }, ranks: Int32Array): { weights: Float64Array; logWeights: Float64Array } {
  const weights = new Float64Array(trialOrder.weights.length);
  const logWeights = new Float64Array(trialOrder.weights.length);
  for (let j = 0; j < ranks.length; j++) {
    weights[j] = trialOrder.weights[ranks[j] as number] as number;
    logWeights[j] = trialOrder.logWeights[ranks[j] as number] as number;
  }
  const prior = ranks.length;
  weights[prior] = trialOrder.weights[prior] as number;
  logWeights[prior] = trialOrder.logWeights[prior] as number;
  return { weights, logWeights };
}

/** componentWeights' cache; entries are never mutated (ParzenEstimator copies before changing). */
const recentWeights = new Map<string, { weights: Float64Array; logWeights: Float64Array }>();

function categoricalKernel(dimension: CategoricalDimension, observations: Float64Array, priorWeight: number): CategoricalKernel {
  const n = observations.length;
  const k = dimension.choices.length;
  // Optuna's kernel: prior_weight / (n + 1) on every choice, plus 1 on the observed one, normalised.
  const smoothing = priorWeight / (n + 1);
  const rowSum = k * smoothing + 1;
  const hit = (smoothing + 1) / rowSum;
  const miss = smoothing / rowSum;
  return { dimension, observed: Int32Array.from(observations), hit, miss, logHit: Math.log(hit), logMiss: Math.log(miss) };
}

/** Draws a choice from component j's row: `u` uniform in [0, 1). */
function sampleChoice(kernel: CategoricalKernel, component: number, u: number): number {
  const k = kernel.dimension.choices.length;
  const own = component < kernel.observed.length ? (kernel.observed[component] as number) : -1;
  if (own < 0) return Math.min(k - 1, Math.floor(u * k));
  // Walk the choices in order, as a cumulative sum over the row would.
  let rest = u;
  for (let c = 0; c < k - 1; c++) {
    const p = c === own ? kernel.hit : kernel.miss;
    if (rest < p) return c;
    rest -= p;
  }
  return k - 1;
}

function numericKernel(dimension: NumericDimension, observations: Float64Array, sigma0: number | undefined, options: ParzenOptions, sorted: boolean): NumericKernel {
  const { low, high } = dimension;
  const n = observations.length;
  const range = high - low;
  const mus = new Float64Array(n + 1);
  mus.set(observations);
  mus[n] = 0.5 * (low + high);
  const sigmas =
    sigma0 !== undefined
      ? new Float64Array(n + 1).fill(sigma0 * range)
      : sorted
        ? sortedNeighbourBandwidths(mus, low, high, options.considerEndpoints)
        : neighbourBandwidths(mus, low, high, options.considerEndpoints);
  // The "magic clip": no bandwidth below range / min(100, components), so that a few close
  // observations cannot collapse the density onto a point.
  const minSigma = options.considerMagicClip ? range / Math.min(100, 1 + mus.length) : EPS;
  for (let j = 0; j < n; j++) sigmas[j] = Math.min(range, Math.max(minSigma, sigmas[j] as number));
  sigmas[n] = range;
  const logNormalisers = new Float64Array(n + 1);
  if (!dimension.discrete) {
    const logSigmas = sigmas.map(Math.log);
    const inverseSigmas = sigmas.map((sigma) => 1 / sigma);
    for (let j = 0; j <= n; j++) {
      const mu = mus[j] as number;
      const inverse = inverseSigmas[j] as number;
      logNormalisers[j] = -logTruncationMass((low - mu) * inverse, (high - mu) * inverse) - (logSigmas[j] as number) + normLogPdf(0);
    }
    return { dimension, mus, sigmas, inverseSigmas, logSigmas, logNormalisers, sorted };
  }
  const { pairOf, pairs } = distinctPairs(mus, sigmas);
  for (const j of pairs) {
    const mu = mus[j] as number;
    const sigma = sigmas[j] as number;
    logNormalisers[j] = -logTruncationMass((low - mu) / sigma, (high - mu) / sigma);
  }
  for (let j = 0; j <= n; j++) logNormalisers[j] = logNormalisers[pairs[pairOf[j] as number] as number] as number;
  // Discrete densities are cell masses: they use the pairs, not the inverse or log bandwidths.
  return { dimension, mus, sigmas, inverseSigmas: new Float64Array(0), logSigmas: new Float64Array(0), logNormalisers, pairOf, pairs, sorted };
}

/**
 * log of the mass a component keeps on [a, b] (in its standard units). A component more than
 * 8.5 sigma inside both ends keeps all but 1e-17 of its mass, so its log mass is 0 to double
 * precision; narrow components (most of them, once there are many trials) skip the erfc.
 */
function logTruncationMass(a: number, b: number): number {
  return a < -8.5 && b > 8.5 ? 0 : logGaussMass(a, b);
}

function distinctPairs(mus: Float64Array, sigmas: Float64Array): { pairOf: Int32Array; pairs: Int32Array } {
  const pairOf = new Int32Array(mus.length);
  const pairs: number[] = [];
  const seen = new Map<number, Map<number, number>>();
  for (let j = 0; j < mus.length; j++) {
    const mu = mus[j] as number;
    const sigma = sigmas[j] as number;
    let bySigma = seen.get(mu);
    if (!bySigma) seen.set(mu, (bySigma = new Map<number, number>()));
    let pair = bySigma.get(sigma);
    if (pair === undefined) {
      pair = pairs.length;
      pairs.push(j);
      bySigma.set(sigma, pair);
    }
    pairOf[j] = pair;
  }
  return { pairOf, pairs: Int32Array.from(pairs) };
}

/**
 * Univariate bandwidths (Optuna's rule): each component's sigma is the larger gap to its
 * sorted neighbours, with the domain's ends as outer neighbours; without consider_endpoints
 * the outermost components use their inner gap only.
 */
function neighbourBandwidths(mus: Float64Array, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const count = mus.length;
  const sorted = new Float64Array(count + 2);
  sorted.set(mus, 1);
  sorted.subarray(1, count + 1).sort(); // a native numeric sort: no comparator calls
  sorted[0] = low;
  sorted[count + 1] = high;
  const sortedSigmas = gapBandwidths(sorted, considerEndpoints);
  // Each component takes the bandwidth of its place in the sorted order; equal values take
  // consecutive places in component order (`taken` counts the places used at each value).
  const sigmas = new Float64Array(count);
  const taken = new Int32Array(count + 2);
  for (let j = 0; j < count; j++) {
    const first = lowerBound(sorted, mus[j] as number, 1, count + 1);
    const place = first + (taken[first] as number);
    taken[first] = (taken[first] as number) + 1;
    sigmas[j] = sortedSigmas[place - 1] as number;
  }
  return sigmas;
}

/**
 * The same bandwidths when the observations (all but the prior, which is last) are already
 * sorted: the prior's mean goes in after any equal observation, as it would as the last
 * component, and nothing else moves.
 */
function sortedNeighbourBandwidths(mus: Float64Array, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const count = mus.length;
  const n = count - 1;
  const prior = mus[n] as number;
  let priorPlace = lowerBound(mus.subarray(0, n), prior, 0, n);
  while (priorPlace < n && mus[priorPlace] === prior) priorPlace++;
  const sorted = new Float64Array(count + 2);
  sorted[0] = low;
  sorted.set(mus.subarray(0, priorPlace), 1);
  sorted[priorPlace + 1] = prior;
  sorted.set(mus.subarray(priorPlace, n), priorPlace + 2);
  sorted[count + 1] = high;
  const sortedSigmas = gapBandwidths(sorted, considerEndpoints);
  const sigmas = new Float64Array(count);
  sigmas.set(sortedSigmas.subarray(0, priorPlace), 0);
  sigmas.set(sortedSigmas.subarray(priorPlace + 1), priorPlace);
  sigmas[n] = sortedSigmas[priorPlace] as number;
  return sigmas;
}

/** Per sorted place (`sorted` has the domain's ends around the values): the larger gap to a neighbour. */
function gapBandwidths(sorted: Float64Array, considerEndpoints: boolean): Float64Array {
  const count = sorted.length - 2;
  const sortedSigmas = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    sortedSigmas[p] = Math.max((sorted[p + 1] as number) - (sorted[p] as number), (sorted[p + 2] as number) - (sorted[p + 1] as number));
  }
  if (!considerEndpoints && sorted.length >= 4) {
    sortedSigmas[0] = (sorted[2] as number) - (sorted[1] as number);
    sortedSigmas[count - 1] = (sorted[count] as number) - (sorted[count - 1] as number);
  }
  return sortedSigmas;
}

/** The first index in [from, to) of sorted `values` whose value is >= `value`. */
function lowerBound(values: Float64Array, value: number, from: number, to: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((values[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * For one discrete dimension, each distinct sample value's log cell mass (normalised) under each
 * distinct (mu, sigma) pair; component j uses its pair's entry.
 */
function discreteTermsByValue(kernel: NumericKernel, values: Float64Array, size: number): Map<number, Float64Array> {
  const { mus, sigmas, logNormalisers, dimension } = kernel;
  const pairs = kernel.pairs as Int32Array;
  const byValue = new Map<number, Float64Array>();
  for (let i = 0; i < size; i++) {
    const x = values[i] as number;
    if (byValue.has(x)) continue;
    const [cellLow, cellHigh] = dimension.cell(x);
    const lower = Math.max(cellLow, dimension.low);
    const upper = Math.min(cellHigh, dimension.high);
    const pairTerms = new Float64Array(pairs.length);
    for (let p = 0; p < pairs.length; p++) {
      const j = pairs[p] as number;
      const mu = mus[j] as number;
      const sigma = sigmas[j] as number;
      pairTerms[p] = logCellMass((lower - mu) / sigma, (upper - mu) / sigma) + (logNormalisers[j] as number);
    }
    byValue.set(x, pairTerms);
  }
  return byValue;
}

/**
 * One discrete dimension: components sharing a (mu, sigma) pair have the same cell masses, so
 * the mixture is a sum over pairs with the pair's total weight.
 */
function loneDiscreteLogPdf(kernel: NumericKernel, termsByValue: Map<number, Float64Array>, values: Float64Array, size: number, logWeights: Float64Array): Float64Array {
  const pairs = kernel.pairs as Int32Array;
  const pairOf = kernel.pairOf as Int32Array;
  const pairWeights = new Float64Array(pairs.length);
  for (let j = 0; j < pairOf.length; j++) pairWeights[pairOf[j] as number] = (pairWeights[pairOf[j] as number] as number) + Math.exp(logWeights[j] as number);
  const logPairWeights = pairWeights.map(Math.log);
  const byValue = new Map<number, number>();
  const result = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const x = values[i] as number;
    let logP = byValue.get(x);
    if (logP === undefined) {
      const terms = termsByValue.get(x) as Float64Array;
      let max = -Infinity;
      for (let p = 0; p < pairs.length; p++) max = Math.max(max, (terms[p] as number) + (logPairWeights[p] as number));
      let sum = 0;
      for (let p = 0; p < pairs.length; p++) sum += Math.exp((terms[p] as number) + (logPairWeights[p] as number) - max);
      logP = max === -Infinity ? -Infinity : max + Math.log(sum);
      byValue.set(x, logP);
    }
    result[i] = logP;
  }
  return result;
}

/** Components per block of the pruning in loneContinuousLogPdf. */
const BLOCK = 32;

/**
 * Blocks of consecutive (sorted) components, each with the largest log weight + log normaliser
 * and the largest bandwidth in it: a block whose nearest mean is far from x, in units of its
 * widest component, cannot come within 40 (the log-sum-exp floor) of the largest term.
 */
interface ContributionWindow {
  readonly peaks: Float64Array;
  readonly widest: Float64Array;
}

function contributionWindow(kernel: NumericKernel, logWeights: Float64Array): ContributionWindow {
  const n = kernel.mus.length - 1;
  const blocks = Math.ceil(n / BLOCK);
  const peaks = new Float64Array(blocks).fill(-Infinity);
  const widest = new Float64Array(blocks);
  for (let j = 0; j < n; j++) {
    const b = Math.floor(j / BLOCK);
    peaks[b] = Math.max(peaks[b] as number, (logWeights[j] as number) + (kernel.logNormalisers[j] as number));
    widest[b] = Math.max(widest[b] as number, kernel.sigmas[j] as number);
  }
  return { peaks, widest };
}

/**
 * The univariate continuous case in two passes over the components instead of four; with
 * sorted means, over the blocks of components that can matter at x only. The blocks left out
 * hold terms all below the largest term minus 40, which the log-sum-exp skips anyway, so the
 * result is the same to the last bit.
 */
function loneContinuousLogPdf(kernel: NumericKernel, x: number, logWeights: Float64Array, row: Float64Array, window?: ContributionWindow): number {
  const { mus, inverseSigmas, logNormalisers } = kernel;
  const n = row.length - 1;
  const term = (j: number): number => {
    const z = (x - (mus[j] as number)) * (inverseSigmas[j] as number);
    return (logWeights[j] as number) + (logNormalisers[j] as number) - 0.5 * z * z;
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
      const first = mus[from] as number;
      const last = mus[to - 1] as number;
      const distance = x < first ? first - x : x > last ? x - last : 0;
      const z = distance / (window.widest[b] as number);
      if ((window.peaks[b] as number) - 0.5 * z * z < known - 40) continue;
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
      const value = row[j] as number;
      if (value > floor) sum += Math.exp(value - max);
    }
  }
  if (prior > floor) sum += Math.exp(prior - max);
  return max + Math.log(sum);
}

/** The first earlier sample with the same value in every dimension, or -1. */
function earlierEqualSample(samples: readonly Float64Array[], i: number): number {
  for (let earlier = 0; earlier < i; earlier++) {
    if (samples.every((values) => values[earlier] === values[i])) return earlier;
  }
  return -1;
}
