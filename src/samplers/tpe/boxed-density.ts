import { addSource, hermiteSum, ORDER } from './hermite-moments.js';
import type { ParzenOptions } from './parzen-estimator.js';
import type { SortedObservations } from './split-sides.js';
import type { NumericDimension } from './tpe-dimension.js';
import { logTruncationMass, normLogPdf } from './truncated-normal.js';

/** Below this many observations the exact windowed sum is as fast: the boxes are not used. */
export const MIN_BOXED_OBSERVATIONS = 512;
/** Beyond this many bandwidths a component's term is under e^-40.5 of its peak: its box is skipped. */
const REACH = 9;
/** The newest observations weigh 1; the older ones ramp (Optuna's default_weights, parzen-weights.ts). */
const FLAT = 25;
/** Boxes across the domain, each one clip bandwidth (range / 100) wide. */
const BOXES = 100;
/** Moments kept per box: the ramp's (P, and Q weighted by rank) and the flat newest ones' (F). */
const SETS = 3;

/**
 * What a suggestion's components were, to tell which boxes the next one changes. The arrays
 * are kept between calls and may be longer than the n components: `starts` says where each box's are.
 */
interface Layout {
  readonly values: Float64Array;
  readonly ranks: Int32Array;
  /** Per component: DIRECT, RAMP or NEWEST. */
  readonly kinds: Uint8Array;
  /** starts[b] is the first component of box b; starts[BOXES] = n. */
  readonly starts: Int32Array;
}

/** A component off the clip's bandwidth, summed on its own. */
const DIRECT = 0;
/** A component on the clip's bandwidth, in its box's moments, whose weight ramps with its rank. */
const RAMP = 1;
/** One of the FLAT newest, weight 1. */
const NEWEST = 2;

/**
 * The density g(x) of the "bad" trials for one continuous parameter with many observations,
 * as the univariate ParzenEstimator computes it (windowed-log-pdf.ts) but in a time that does
 * not grow with the history: kept between suggestions by the sampler.
 *
 * With the magic clip and many trials nearly every component has the clip's bandwidth
 * (range / 100), so the domain is cut into 100 boxes of one bandwidth each and each box's
 * components are summed by their Hermite moments (hermite-moments.ts): a candidate reads the
 * 19 boxes within 9 bandwidths instead of thousands of components. The weights change on
 * every suggestion (Optuna's ramp from 1/n to 1 moves with n), but only as α + β·rank, so a
 * box keeps two sets of moments (Σ q and Σ q·rank) and combines them with the suggestion's α
 * and β. A box's moments are computed again only when its components changed (a trial
 * arrived in it, left it, or moved in trial order): a new running trial changes one box or two.
 * Moments depend only on a box's contents, never on the order of updates, so a suggestion
 * stays a function of the seed, the trial number and the history.
 *
 * The few components with a wider bandwidth (sparse regions) and the prior are summed one by
 * one. The result matches the exact density to about 1e-12 (relative; test/samplers/tpe/
 * boxed-density.test.ts), far below what could change which candidate wins.
 */
export class BoxedDensity {
  private layout: Layout | undefined;
  /** SETS * ORDER per box. */
  private readonly moments = new Float64Array(BOXES * SETS * ORDER);
  /** Scratch kept between calls (allocating arrays of n numbers on every suggestion costs more than the sums). */
  private spare = emptyLayout();
  private readonly combined = new Float64Array(BOXES * ORDER);
  private direct = new Int32Array(0);
  private directSigmas = new Float64Array(0);

  constructor(
    private readonly dimension: NumericDimension,
    private readonly options: ParzenOptions,
  ) {}

  /**
   * log g(x) at each of the first `size` candidates (internal coordinates), for observations
   * sorted ascending with their places in trial order; undefined when the boxes do not apply
   * (too few observations, or no magic clip to give the components one bandwidth).
   */
  logPdf(observations: SortedObservations, candidates: Float64Array, size: number): Float64Array | undefined {
    const { values, ranks } = observations;
    const n = values.length;
    if (n < MIN_BOXED_OBSERVATIONS || !this.options.considerMagicClip || this.dimension.discrete) return undefined;
    const { low, high } = this.dimension;
    const range = high - low;
    const clip = range / BOXES; // bandwidth.ts's magic clip once there are 98 observations or more
    const { priorWeight, weighByBandwidth, considerEndpoints } = this.options;
    const prior = 0.5 * (low + high);

    // Weights: u_j = α + β·rank below the ramp's end, 1 after, the prior's priorWeight; all over U.
    const ramp = n - FLAT;
    const alpha = 1 / n;
    const beta = ramp > 1 ? (1 - 1 / n) / (ramp - 1) : 0;

    // One pass: each component's bandwidth as bandwidth.ts gives it (the neighbour rule, with
    // the prior's mean among the neighbours), its kind, the box it falls in, and the totals.
    // The layout is written into the spare one's arrays (the last suggestion's stay to compare with).
    if (this.spare.values.length < n) {
      const room = n + (n >> 3);
      this.spare = { values: new Float64Array(room), ranks: new Int32Array(room), kinds: new Uint8Array(room), starts: this.spare.starts };
    }
    const { kinds, starts } = this.spare;
    // Under 2 * BOXES + 2 in fact: a bandwidth above the clip needs a neighbour gap wider than
    // range / BOXES, and fewer than BOXES gaps can be that wide.
    if (this.direct.length < n) {
      this.direct = new Int32Array(n);
      this.directSigmas = new Float64Array(n);
    }
    let directCount = 0;
    let priorPlace = 0; // the first observation above the prior's mean
    while (priorPlace < n && (values[priorPlace] ?? NaN) <= prior) priorPlace++;
    let total = priorWeight;
    let widthTotal = priorWeight * range;
    let box = 0;
    for (let j = 0; j < n; j++) {
      const value = values[j] ?? NaN;
      const left = j === priorPlace ? prior : j > 0 ? (values[j - 1] ?? NaN) : low;
      const right = j === priorPlace - 1 ? prior : j < n - 1 ? (values[j + 1] ?? NaN) : high;
      const place = j < priorPlace ? j : j + 1;
      const gap =
        !considerEndpoints && place === 0
          ? right - value
          : !considerEndpoints && place === n
            ? value - left
            : Math.max(value - left, right - value);
      const sigma = Math.min(range, Math.max(clip, gap));
      const rank = ranks[j] ?? NaN;
      const u = rank < ramp ? alpha + beta * rank : 1;
      total += u;
      widthTotal += u * sigma;
      if (sigma === clip) {
        kinds[j] = rank < ramp ? RAMP : NEWEST;
      } else {
        kinds[j] = DIRECT;
        this.direct[directCount] = j;
        this.directSigmas[directCount++] = sigma;
      }
      const at = Math.min(BOXES - 1, Math.floor((value - low) / clip));
      while (box < at) starts[++box] = j;
    }
    while (box < BOXES) starts[++box] = n;

    // The caller's arrays are its own to reuse: the layout keeps copies.
    this.spare.values.set(values);
    this.spare.ranks.set(ranks);
    const layout = this.spare;
    this.refreshMoments(layout, clip);
    this.spare = this.layout ?? emptyLayout();
    this.layout = layout;

    // Each component's term is u_j / U · exp(-logMass_j) · exp(-z²/2) · scale_j: with the
    // weights by bandwidth (ParzenOptions) scale_j = φ(0) / Σ_k w_k σ_k, otherwise φ(0) / σ_j.
    const logScale = (sigma: number): number => normLogPdf(0) - (weighByBandwidth ? Math.log(widthTotal / total) : Math.log(sigma));
    const combined = this.combine(alpha / total, beta / total, 1 / total, Math.exp(logScale(clip)));

    // The prior and the components off the clip, exactly (log terms, as the windowed sum).
    const lone = directCount + 1;
    const loneMus = new Float64Array(lone);
    const loneSigmas = new Float64Array(lone);
    const loneLogCoefficients = new Float64Array(lone);
    for (let k = 0; k < lone; k++) {
      const j = k === 0 ? -1 : (this.direct[k - 1] ?? NaN);
      const mu = j < 0 ? prior : (values[j] ?? NaN);
      const sigma = j < 0 ? range : (this.directSigmas[k - 1] ?? NaN);
      const rank = j < 0 ? NaN : (ranks[j] ?? NaN);
      const u = j < 0 ? priorWeight : rank < ramp ? alpha + beta * rank : 1;
      loneMus[k] = mu;
      loneSigmas[k] = sigma;
      loneLogCoefficients[k] = Math.log(u / total) - logTruncationMass((low - mu) / sigma, (high - mu) / sigma) + logScale(sigma);
    }

    const width = clip * Math.SQRT2; // δ: exp(-((x - μ) / δ)²) = exp(-z² / 2)
    const result = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const x = candidates[i] ?? NaN;
      let max = -Infinity;
      for (let k = 0; k < lone; k++) {
        const z = (x - (loneMus[k] ?? NaN)) / (loneSigmas[k] ?? NaN);
        max = Math.max(max, (loneLogCoefficients[k] ?? NaN) - 0.5 * z * z);
      }
      let loneSum = 0;
      for (let k = 0; k < lone; k++) {
        const z = (x - (loneMus[k] ?? NaN)) / (loneSigmas[k] ?? NaN);
        loneSum += Math.exp((loneLogCoefficients[k] ?? NaN) - 0.5 * z * z - max);
      }
      let boxed = 0;
      const first = Math.max(0, Math.floor((x - low) / clip - REACH));
      const last = Math.min(BOXES - 1, Math.floor((x - low) / clip + REACH));
      for (let b = first; b <= last; b++) {
        if (starts[b] === starts[b + 1]) continue;
        boxed += hermiteSum(combined, b * ORDER, (x - (low + (b + 0.5) * clip)) / width);
      }
      // `max` is at least the prior's term, which spans the domain: exp(-max) stays finite.
      result[i] = max + Math.log(loneSum + boxed * Math.exp(-max));
    }
    return result;
  }

  /** Recomputes the moments of the boxes whose components differ from the last suggestion's. */
  private refreshMoments(layout: Layout, clip: number): void {
    const previous = this.layout;
    const { low, high } = this.dimension;
    const width = clip * Math.SQRT2;
    for (let b = 0; b < BOXES; b++) {
      if (previous && sameBox(previous, layout, b)) continue;
      const at = b * SETS * ORDER;
      this.moments.fill(0, at, at + SETS * ORDER);
      const centre = low + (b + 0.5) * clip;
      for (let j = layout.starts[b] ?? NaN; j < (layout.starts[b + 1] ?? NaN); j++) {
        const kind = layout.kinds[j];
        if (kind === DIRECT) continue;
        const mu = layout.values[j] ?? NaN;
        const rank = layout.ranks[j] ?? NaN;
        const mass = Math.exp(-logTruncationMass((low - mu) / clip, (high - mu) / clip));
        const offset = (mu - centre) / width;
        if (kind === NEWEST) {
          addSource(this.moments, at + 2 * ORDER, offset, mass);
        } else {
          addSource(this.moments, at, offset, mass);
          addSource(this.moments, at + ORDER, offset, mass * rank);
        }
      }
    }
  }

  /** One set of moments per box: a·P + b·Q + f·F, times `scale`. */
  private combine(a: number, b: number, f: number, scale: number): Float64Array {
    const { combined } = this;
    const m = this.moments;
    for (let box = 0; box < BOXES; box++) {
      const at = box * SETS * ORDER;
      for (let k = 0; k < ORDER; k++) {
        combined[box * ORDER + k] = scale * (a * (m[at + k] ?? NaN) + b * (m[at + ORDER + k] ?? NaN) + f * (m[at + 2 * ORDER + k] ?? NaN));
      }
    }
    return combined;
  }
}

function emptyLayout(): Layout {
  return { values: new Float64Array(0), ranks: new Int32Array(0), kinds: new Uint8Array(0), starts: new Int32Array(BOXES + 1) };
}

/** Whether box b holds the same components (value, rank, kind) in both layouts. */
function sameBox(before: Layout, after: Layout, b: number): boolean {
  const from = after.starts[b] ?? NaN;
  const count = (after.starts[b + 1] ?? NaN) - from;
  const was = before.starts[b] ?? NaN;
  if ((before.starts[b + 1] ?? NaN) - was !== count) return false;
  for (let k = 0; k < count; k++) {
    if (
      after.values[from + k] !== before.values[was + k] ||
      after.ranks[from + k] !== before.ranks[was + k] ||
      after.kinds[from + k] !== before.kinds[was + k]
    )
      return false;
  }
  return true;
}
