import { BOXES, boxCentre, boxOf, classify, DIRECT, emptyLayout, fitLayout, NEWEST, type Layout } from './box-layout.js';
import { lowerBound } from './lower-bound.js';
import { linearRamp, rampWeight } from './parzen-weights.js';
import { addSource, hermiteIntegral, hermiteSum, ORDER } from './hermite-moments.js';
import type { ParzenOptions } from './parzen-estimator.js';
import type { AboveColumn } from './above-column.js';
import type { NumericDimension } from './tpe-dimension.js';
import { logCellMass, logGaussMass, logTruncationMass, normLogPdf } from './truncated-normal.js';

/** Below this many observations the exact windowed sum is as fast: the boxes are not used. */
export const MIN_BOXED_OBSERVATIONS = 512;
/** Beyond this many bandwidths a component's term is under e^-40.5 of its peak: its box is skipped. */
const REACH = 9;
/** Moments kept per box: the ramp's (P, and Q weighted by rank) and the flat newest ones' (F). */
const SETS = 3;

/** The prior and the components off the clip: means, bandwidths and log coefficients. */
interface LoneTerms {
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  readonly logCoefficients: Float64Array;
}

/**
 * The density g(x) of the "bad" trials for one numeric parameter with many observations, as
 * the univariate ParzenEstimator computes it (windowed-log-pdf.ts, discrete-log-pdf.ts), but
 * kept between suggestions by the sampler, in a time that hardly grows with the history.
 *
 * With the magic clip and many trials nearly every component has the clip's bandwidth
 * (range / 100), so the domain is cut into 100 boxes of one bandwidth each and each box's
 * components are summed by their Hermite moments (hermite-moments.ts): a candidate reads the
 * 19 boxes within 9 bandwidths instead of thousands of components. The weights change on
 * every suggestion (Optuna's ramp from 1/n to 1 moves with n), but only as α + β·rank, so a
 * box keeps two sets of moments (Σ q and Σ q·rank) and combines them with the suggestion's α
 * and β. A box's moments are computed again only when its components changed (a trial
 * arrived in it or beside it, left, or moved in trial order; the column says which, see
 * changedBoxes): a new running trial changes one box or two.
 * Moments depend only on a box's contents, never on the order of updates, so a suggestion
 * stays a function of the seed, the trial number and the history.
 *
 * A discrete parameter's g(x) is the mass of x's cell: the same moments, integrated over the
 * cell (hermiteIntegral), with the plain weights as loneDiscreteLogPdf uses.
 *
 * The few components with a wider bandwidth (sparse regions) and the prior are summed one by
 * one. The result matches the exact density to about 1e-12 (relative; test/samplers/tpe/
 * boxed-density.test.ts), far below what could change which candidate wins; for a discrete
 * parameter, to the 1e-7 of the exact path's own narrow-cell series (logCellMass).
 */
export class BoxedDensity {
  /** The last suggestion's layout and the column's version it was made from. */
  private layout: { layout: Layout; version: number } | undefined;
  /** The arrays the next layout is written into (the boxes that did not change are read from the last one's). */
  private spare = emptyLayout();
  /** SETS * ORDER per box. */
  private readonly moments = new Float64Array(BOXES * SETS * ORDER);
  private readonly combined = new Float64Array(BOXES * ORDER);
  private scratch = new Float64Array(0);

  constructor(
    private readonly dimension: NumericDimension,
    private readonly options: ParzenOptions,
  ) {}

  /**
   * log g(x) at each of the first `size` candidates (internal coordinates), for the
   * observations of `column`; undefined when the boxes do not apply (too few observations, or
   * no magic clip to give the components one bandwidth).
   */
  logPdf(column: AboveColumn, candidates: Float64Array, size: number): Float64Array | undefined {
    const { values, ranks } = column.sorted();
    const n = values.length;
    if (n < MIN_BOXED_OBSERVATIONS || !this.options.considerMagicClip) return undefined;
    const { low, high, discrete } = this.dimension;
    const range = high - low;
    const clip = range / BOXES;
    const { priorWeight, weighByBandwidth } = this.options;
    const prior = 0.5 * (low + high);

    const layout = fitLayout(this.spare, n);
    const domain = { low, high, considerEndpoints: this.options.considerEndpoints };
    const weights = classify(values, ranks, domain, layout, this.layout && this.changedBoxes(column, this.layout, clip));
    this.refreshMoments(layout, clip);
    this.spare = this.layout?.layout ?? emptyLayout();
    this.layout = { layout, version: column.version };

    // Weights over U = Σ u_j + the prior's. A continuous term is u_j / U · exp(-logMass_j) ·
    // exp(-z²/2) · scale_j: with the weights by bandwidth (ParzenOptions) scale_j is
    // φ(0) / Σ_k w_k σ_k, otherwise φ(0) / σ_j. A discrete term is u_j / U · exp(-logMass_j) ·
    // the cell's mass (plain weights, as loneDiscreteLogPdf).
    const { alpha, beta, total: observed, widthTotal } = weights;
    const total = observed + priorWeight;
    const meanWidth = (widthTotal + priorWeight * range) / total;
    const logScale = (sigma: number): number => (discrete ? 0 : normLogPdf(0) - Math.log(weighByBandwidth ? meanWidth : sigma));
    this.combine(alpha / total, beta / total, 1 / total, Math.exp(logScale(clip)));

    // The prior and the components off the clip, exactly (log terms).
    const lone = (layout.directStarts[BOXES] ?? 0) + 1;
    const loneMus = new Float64Array(lone);
    const loneSigmas = new Float64Array(lone);
    const loneLogCoefficients = new Float64Array(lone);
    for (let k = 0; k < lone; k++) {
      const mu = k === 0 ? prior : (layout.directValues[k - 1] ?? NaN);
      const sigma = k === 0 ? range : (layout.directSigmas[k - 1] ?? NaN);
      const rank = k === 0 ? NaN : (layout.directRanks[k - 1] ?? NaN);
      const u = k === 0 ? priorWeight : rampWeight(weights, rank);
      loneMus[k] = mu;
      loneSigmas[k] = sigma;
      loneLogCoefficients[k] = Math.log(u / total) - logTruncationMass((low - mu) / sigma, (high - mu) / sigma) + logScale(sigma);
    }
    const lones = { mus: loneMus, sigmas: loneSigmas, logCoefficients: loneLogCoefficients };

    const result = new Float64Array(size);
    const byValue = new Map<number, number>();
    for (let i = 0; i < size; i++) {
      const x = candidates[i] ?? NaN;
      let logP = byValue.get(x);
      if (logP === undefined) {
        logP = discrete ? this.cellLogMass(x, lones, layout.starts) : this.logDensity(x, lones, layout.starts);
        byValue.set(x, logP);
      }
      result[i] = logP;
    }
    return result;
  }

  /** log g(x) of a continuous parameter: the lone terms exactly, the boxes within reach by their moments. */
  private logDensity(x: number, lones: LoneTerms, starts: Int32Array): number {
    const { low, high } = this.dimension;
    const clip = (high - low) / BOXES;
    const width = clip * Math.SQRT2; // δ: exp(-((x - μ) / δ)²) = exp(-z² / 2)
    const terms = this.terms(lones.logCoefficients.length);
    for (let k = 0; k < terms.length; k++) {
      const z = (x - (lones.mus[k] ?? NaN)) / (lones.sigmas[k] ?? NaN);
      terms[k] = (lones.logCoefficients[k] ?? NaN) - 0.5 * z * z;
    }
    let boxed = 0;
    const first = Math.max(0, Math.floor((x - low) / clip - REACH));
    const last = Math.min(BOXES - 1, Math.floor((x - low) / clip + REACH));
    for (let b = first; b <= last; b++) {
      if (starts[b] === starts[b + 1]) continue;
      boxed += hermiteSum(this.combined, b * ORDER, (x - boxCentre(low, clip, b)) / width);
    }
    return addLogTerms(terms, boxed);
  }

  /** log g(x) of a discrete parameter: the mass of x's cell, the lone terms exactly and the boxes by their integrated moments. */
  private cellLogMass(x: number, lones: LoneTerms, starts: Int32Array): number {
    const { low, high } = this.dimension;
    const clip = (high - low) / BOXES;
    const width = clip * Math.SQRT2;
    const [cellLow, cellHigh] = this.dimension.cell(x);
    const lower = Math.max(cellLow, low);
    const upper = Math.min(cellHigh, high);
    const terms = this.terms(lones.logCoefficients.length);
    for (let k = 0; k < terms.length; k++) {
      const mu = lones.mus[k] ?? NaN;
      const sigma = lones.sigmas[k] ?? NaN;
      terms[k] = (lones.logCoefficients[k] ?? NaN) + logCellMass((lower - mu) / sigma, (upper - mu) / sigma);
    }
    let boxed = 0;
    const first = Math.max(0, Math.floor((lower - low) / clip - REACH));
    const last = Math.min(BOXES - 1, Math.floor((upper - low) / clip + REACH));
    for (let b = first; b <= last; b++) {
      if (starts[b] === starts[b + 1]) continue;
      const centre = boxCentre(low, clip, b);
      const ta = (lower - centre) / width;
      const tb = (upper - centre) / width;
      const mass = Math.exp(logGaussMass(ta * Math.SQRT2, tb * Math.SQRT2));
      // The normal's density over δ: ∫ exp(-((x - μ) / δ)²) dx / (δ√π) is the cell's mass.
      boxed += hermiteIntegral(this.combined, b * ORDER, ta, tb, mass) / Math.sqrt(Math.PI);
    }
    return addLogTerms(terms, boxed);
  }

  /**
   * The boxes the column's changes since `last` was made can have changed, with `last` to take
   * the others from; undefined when they all may have (the members were renumbered). A value
   * added or removed changes its box and, through their bandwidths, its neighbours' boxes; a
   * member that crossed the ramp's end (n moved) changes its kind and its box's sums.
   */
  private changedBoxes(
    column: AboveColumn,
    last: { layout: Layout; version: number },
    clip: number,
  ): { previous: Layout; changed: Uint8Array } | undefined {
    const changes = column.changesSince(last.version);
    if (changes.all) return undefined;
    const { values } = column.sorted();
    const n = values.length;
    const { low } = this.dimension;
    const changed = new Uint8Array(BOXES);
    const mark = (value: number): void => {
      changed[boxOf(value, low, clip)] = 1;
    };
    for (const value of changes.values) {
      mark(value);
      const first = lowerBound(values, value, 0, n);
      let after = first;
      while (after < n && values[after] === value) after++;
      if (first > 0) mark(values[first - 1] ?? NaN);
      if (after < n) mark(values[after] ?? NaN);
    }
    const { ramp } = linearRamp(n);
    const before = last.layout.ramp;
    for (let rank = Math.max(0, Math.min(ramp, before)); rank < Math.min(n, Math.max(ramp, before)); rank++) mark(column.valueAtRank(rank));
    return { previous: last.layout, changed };
  }

  /** Scratch for the lone terms at one point: `count` entries. */
  private terms(count: number): Float64Array {
    if (this.scratch.length < count) this.scratch = new Float64Array(2 * count);
    return this.scratch.subarray(0, count);
  }

  /** Recomputes the moments of the boxes whose components differ from the last suggestion's. */
  private refreshMoments(layout: Layout, clip: number): void {
    const { low, high } = this.dimension;
    const width = clip * Math.SQRT2;
    for (let b = 0; b < BOXES; b++) {
      if (layout.changed[b] === 0) continue;
      const at = b * SETS * ORDER;
      this.moments.fill(0, at, at + SETS * ORDER);
      const centre = boxCentre(low, clip, b);
      const end = layout.starts[b + 1] ?? 0;
      // Components of one value share their term but for the weight: a run of equal values
      // (a grid's, or repeated trials) adds its summed weights once. Sums in component order,
      // so that the moments depend on the box's contents alone.
      for (let j = layout.starts[b] ?? 0; j < end;) {
        const mu = layout.values[j] ?? NaN;
        let ramped = 0;
        let ranks = 0;
        let newest = 0;
        for (; j < end && layout.values[j] === mu; j++) {
          const kind = layout.kinds[j];
          if (kind === NEWEST) {
            newest++;
          } else if (kind !== DIRECT) {
            ramped++;
            ranks += layout.ranks[j] ?? NaN;
          }
        }
        if (ramped + newest === 0) continue;
        const mass = Math.exp(-logTruncationMass((low - mu) / clip, (high - mu) / clip));
        const offset = (mu - centre) / width;
        if (newest > 0) addSource(this.moments, at + 2 * ORDER, offset, mass * newest);
        if (ramped > 0) {
          addSource(this.moments, at, offset, mass * ramped);
          addSource(this.moments, at + ORDER, offset, mass * ranks);
        }
      }
    }
  }

  /** Sets `combined` to one set of moments per box: a·P + b·Q + f·F, times `scale`. */
  private combine(a: number, b: number, f: number, scale: number): void {
    const { combined } = this;
    const m = this.moments;
    for (let box = 0; box < BOXES; box++) {
      const at = box * SETS * ORDER;
      for (let k = 0; k < ORDER; k++) {
        combined[box * ORDER + k] = scale * (a * (m[at + k] ?? NaN) + b * (m[at + ORDER + k] ?? NaN) + f * (m[at + 2 * ORDER + k] ?? NaN));
      }
    }
  }
}

/** log(Σ exp(terms) + boxed): the lone terms include the prior's, which spans the domain, so their largest keeps exp(-max) finite. */
function addLogTerms(terms: Float64Array, boxed: number): number {
  let max = -Infinity;
  for (const term of terms) max = Math.max(max, term);
  let sum = 0;
  for (const term of terms) sum += Math.exp(term - max);
  return max + Math.log(sum + boxed * Math.exp(-max));
}
