import { lowerBound } from './lower-bound.js';
import { linearRamp, type LinearRamp } from './parzen-weights.js';

/** Boxes across the domain, each one clip bandwidth (range / 100, bandwidth.ts's magic clip) wide. */
export const BOXES = 100;

/** A component off the clip's bandwidth, summed on its own. */
export const DIRECT = 0;
/** A component on the clip's bandwidth, in its box's moments, whose weight ramps with its rank. */
export const RAMP = 1;
/** One of the FLAT_WEIGHTS newest, weight 1, in its box's moments. */
export const NEWEST = 2;

/**
 * Per box, the sums that make the weights' totals: u_j = α + β·rank on the ramp and 1 for the
 * newest, so Σ u_j = α·RAMPED + β·RANKS + NEWEST_COUNT and Σ u_j σ_j likewise from the widths.
 */
const RAMPED = 0;
const RANKS = 1;
const NEWEST_COUNT = 2;
const RAMPED_WIDTH = 3;
const RANKS_WIDTH = 4;
const NEWEST_WIDTH = 5;
const SUMS = 6;

/**
 * Where one suggestion's components of g(x) fall: the n sorted observations with their places
 * in trial order (the caller's arrays, for this suggestion only), the kinds of the changed
 * boxes' components, the boxes, each box's sums and the components off the clip. The other
 * arrays are kept between calls and are longer than n: `starts` and `directStarts` say where
 * each box's entries are.
 */
export interface Layout {
  n: number;
  ramp: number;
  values: Float64Array;
  ranks: Int32Array;
  /** Per component of a changed box (the others' are not kept): DIRECT, RAMP or NEWEST. */
  readonly kinds: Uint8Array;
  /** starts[b] is the first component of box b; starts[BOXES] = n. */
  readonly starts: Int32Array;
  /** SUMS per box. */
  readonly sums: Float64Array;
  /** The DIRECT components, box by box: directStarts[b] is box b's first. */
  readonly directStarts: Int32Array;
  readonly directValues: Float64Array;
  readonly directSigmas: Float64Array;
  readonly directRanks: Int32Array;
  /** 1 for each box whose components differ from the layout it was built against (its moments must be recomputed). */
  readonly changed: Uint8Array;
}

/** The weights of a layout (Optuna's ramp from 1/n to 1, in linear form) and their totals. */
export interface Weights extends LinearRamp {
  /** Σ u_j over the observations and Σ u_j σ_j (without the prior). */
  readonly total: number;
  readonly widthTotal: number;
}

/** The domain as the neighbour rule sees it (bandwidth.ts). */
export interface Domain {
  readonly low: number;
  readonly high: number;
  readonly considerEndpoints: boolean;
}

/** Box b's lower edge. */
function boxEdge(low: number, clip: number, b: number): number {
  return low + b * clip;
}

/** Box b's centre, which its moments are taken about. */
export function boxCentre(low: number, clip: number, b: number): number {
  return low + (b + 0.5) * clip;
}

/**
 * The box `value` falls in, as classify places it: the number of edges boxEdge(b), b >= 1, at
 * or below it (the last box also holds `high`). Estimated by division, then settled on the
 * same edges, whose rounding the division does not share.
 */
export function boxOf(value: number, low: number, clip: number): number {
  let box = Math.max(0, Math.min(BOXES - 1, Math.floor((value - low) / clip)));
  while (box < BOXES - 1 && boxEdge(low, clip, box + 1) <= value) box++;
  while (box > 0 && boxEdge(low, clip, box) > value) box--;
  return box;
}

export function emptyLayout(): Layout {
  return withRoom(0, new Int32Array(BOXES + 1));
}

/** `layout` if its arrays hold n components, else new ones with room to grow. */
export function fitLayout(layout: Layout, n: number): Layout {
  return layout.kinds.length >= n ? layout : withRoom(n + (n >> 3), layout.starts);
}

function withRoom(room: number, starts: Int32Array): Layout {
  return {
    n: 0,
    ramp: 0,
    values: new Float64Array(0),
    ranks: new Int32Array(0),
    kinds: new Uint8Array(room),
    starts,
    sums: new Float64Array(BOXES * SUMS),
    directStarts: new Int32Array(BOXES + 1),
    directValues: new Float64Array(room),
    directSigmas: new Float64Array(room),
    directRanks: new Int32Array(room),
    changed: new Uint8Array(BOXES),
  };
}

/**
 * Fills `into` with n sorted observations (n of at least 98, so that the clip is range / 100)
 * and returns the weights. Each bandwidth is the one bandwidth.ts gives (the larger gap to a
 * neighbour, the prior's mean at the centre among the neighbours, clipped to [range / 100,
 * range]). A box that `reuse` does not mark changed takes its sums and direct
 * components from the previous layout (and is not marked changed in `into` either): with many
 * trials a suggestion changes a few boxes, and classifying every component again cost more
 * than the rest of the density. The caller must mark every box whose components, their
 * neighbours just outside it, or their side of the ramp's end changed.
 */
export function classify(
  values: Float64Array,
  ranks: Int32Array,
  domain: Domain,
  into: Layout,
  reuse?: { previous: Layout; changed: Uint8Array },
): Weights {
  const n = values.length;
  const { low, high } = domain;
  const range = high - low;
  const clip = range / BOXES;
  const { ramp, alpha, beta } = linearRamp(n);
  into.n = n;
  into.ramp = ramp;
  into.values = values;
  into.ranks = ranks;
  const { starts, directStarts } = into;
  // Box b holds the values in [boxEdge(b), boxEdge(b + 1)) (see boxOf).
  starts[0] = 0;
  for (let b = 1; b < BOXES; b++) starts[b] = lowerBound(values, boxEdge(low, clip, b), starts[b - 1] ?? 0, n);
  starts[BOXES] = n;
  const prior = 0.5 * (low + high);
  let priorPlace = lowerBound(values, prior, 0, n); // the first observation above the prior's mean
  while (priorPlace < n && (values[priorPlace] ?? NaN) <= prior) priorPlace++;
  const rules = { domain, prior, priorPlace, clip, range };
  let directCount = 0;
  for (let b = 0; b < BOXES; b++) {
    directStarts[b] = directCount;
    const reused = reuse !== undefined && reuse.changed[b] === 0 && sameCount(reuse.previous, into, b);
    into.changed[b] = reused ? 0 : 1;
    directCount = reused ? copyBox(reuse.previous, into, b, directCount) : classifyBox(into, b, rules, directCount);
  }
  directStarts[BOXES] = directCount;
  let total = 0;
  let widthTotal = 0;
  const { sums } = into;
  for (let b = 0; b < BOXES; b++) {
    const at = b * SUMS;
    total += alpha * (sums[at + RAMPED] ?? NaN) + beta * (sums[at + RANKS] ?? NaN) + (sums[at + NEWEST_COUNT] ?? NaN);
    widthTotal += alpha * (sums[at + RAMPED_WIDTH] ?? NaN) + beta * (sums[at + RANKS_WIDTH] ?? NaN) + (sums[at + NEWEST_WIDTH] ?? NaN);
  }
  return { alpha, beta, ramp, total, widthTotal };
}

interface Rules {
  readonly domain: Domain;
  readonly prior: number;
  readonly priorPlace: number;
  readonly clip: number;
  readonly range: number;
}

/** Classifies box b's components of `into` (kinds, sums, direct ones from `directCount` on); returns the new direct count. */
function classifyBox(into: Layout, b: number, rules: Rules, directCount: number): number {
  const { values, ranks, kinds, sums, ramp } = into;
  const { clip, range } = rules;
  const at = b * SUMS;
  sums.fill(0, at, at + SUMS);
  let count = directCount;
  for (let j = into.starts[b] ?? 0; j < (into.starts[b + 1] ?? 0); j++) {
    const gap = neighbourGap(values, into.n, j, rules);
    const sigma = gap < clip ? clip : gap > range ? range : gap;
    const rank = ranks[j] ?? NaN;
    if (rank < ramp) {
      sums[at + RAMPED] = (sums[at + RAMPED] ?? NaN) + 1;
      sums[at + RANKS] = (sums[at + RANKS] ?? NaN) + rank;
      sums[at + RAMPED_WIDTH] = (sums[at + RAMPED_WIDTH] ?? NaN) + sigma;
      sums[at + RANKS_WIDTH] = (sums[at + RANKS_WIDTH] ?? NaN) + rank * sigma;
    } else {
      sums[at + NEWEST_COUNT] = (sums[at + NEWEST_COUNT] ?? NaN) + 1;
      sums[at + NEWEST_WIDTH] = (sums[at + NEWEST_WIDTH] ?? NaN) + sigma;
    }
    if (sigma === clip) {
      kinds[j] = rank < ramp ? RAMP : NEWEST;
    } else {
      kinds[j] = DIRECT;
      into.directValues[count] = values[j] ?? NaN;
      into.directSigmas[count] = sigma;
      into.directRanks[count++] = rank;
    }
  }
  return count;
}

/** Box b of `from` into `into` (same components): sums and direct components; returns the new direct count. */
function copyBox(from: Layout, into: Layout, b: number, directCount: number): number {
  for (let k = b * SUMS; k < (b + 1) * SUMS; k++) into.sums[k] = from.sums[k] ?? NaN;
  let count = directCount;
  for (let k = from.directStarts[b] ?? 0; k < (from.directStarts[b + 1] ?? 0); k++) {
    into.directValues[count] = from.directValues[k] ?? NaN;
    into.directSigmas[count] = from.directSigmas[k] ?? NaN;
    into.directRanks[count++] = from.directRanks[k] ?? 0;
  }
  return count;
}

/** Whether box b holds as many components in both layouts (a box marked unchanged must). */
function sameCount(before: Layout, after: Layout, b: number): boolean {
  return (before.starts[b + 1] ?? 0) - (before.starts[b] ?? 0) === (after.starts[b + 1] ?? 0) - (after.starts[b] ?? 0);
}

/**
 * Observation j's larger gap to a neighbour (sortedNeighbourBandwidths in bandwidth.ts): the
 * neighbours are the observations beside it, the prior's mean where it falls between them, and
 * the domain's ends; without consider_endpoints the outermost of the n + 1 take their inner gap only.
 */
function neighbourGap(values: Float64Array, n: number, j: number, rules: Rules): number {
  const { domain, prior, priorPlace } = rules;
  const value = values[j] ?? NaN;
  const left = j === priorPlace ? prior : j > 0 ? (values[j - 1] ?? NaN) : domain.low;
  const right = j === priorPlace - 1 ? prior : j < n - 1 ? (values[j + 1] ?? NaN) : domain.high;
  const place = j < priorPlace ? j : j + 1;
  if (!domain.considerEndpoints && place === 0) return right - value;
  if (!domain.considerEndpoints && place === n) return value - left;
  return Math.max(value - left, right - value);
}
