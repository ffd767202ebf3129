/** Boxes across the domain, each one clip bandwidth (range / 100, bandwidth.ts's magic clip) wide. */
export const BOXES = 100;
/** The newest observations weigh 1; the older ones ramp (Optuna's default_weights, parzen-weights.ts). */
const FLAT = 25;

/** A component off the clip's bandwidth, summed on its own. */
export const DIRECT = 0;
/** A component on the clip's bandwidth, in its box's moments, whose weight ramps with its rank. */
export const RAMP = 1;
/** One of the FLAT newest, weight 1, in its box's moments. */
export const NEWEST = 2;

/**
 * Where one suggestion's components of g(x) fall: sorted observations with their places in
 * trial order, each one's kind, and the boxes. The arrays are kept between calls and may be
 * longer than the n components: `starts` says where each box's are.
 */
export interface Layout {
  readonly values: Float64Array;
  readonly ranks: Int32Array;
  /** Per component: DIRECT, RAMP or NEWEST. */
  readonly kinds: Uint8Array;
  /** starts[b] is the first component of box b; starts[BOXES] = n. */
  readonly starts: Int32Array;
}

/** The weights and bandwidth sums of a layout, and its components off the clip. */
export interface Weights {
  /** u_j = alpha + beta · rank for ranks below `ramp`, 1 from there (Optuna's ramp from 1/n to 1). */
  readonly alpha: number;
  readonly beta: number;
  readonly ramp: number;
  /** Σ u_j over the observations and Σ u_j σ_j (without the prior). */
  readonly total: number;
  readonly widthTotal: number;
  /** The DIRECT components and their bandwidths, in the first `directCount` entries. */
  readonly direct: Int32Array;
  readonly directSigmas: Float64Array;
  readonly directCount: number;
}

/** The domain as the neighbour rule sees it (bandwidth.ts). */
export interface Domain {
  readonly low: number;
  readonly high: number;
  readonly considerEndpoints: boolean;
}

export function emptyLayout(): Layout {
  return { values: new Float64Array(0), ranks: new Int32Array(0), kinds: new Uint8Array(0), starts: new Int32Array(BOXES + 1) };
}

/** `layout` if its arrays hold n components, else new ones with room to grow (its starts kept). */
export function fitLayout(layout: Layout, n: number): Layout {
  if (layout.values.length >= n) return layout;
  const room = n + (n >> 3);
  return { values: new Float64Array(room), ranks: new Int32Array(room), kinds: new Uint8Array(room), starts: layout.starts };
}

/**
 * Fills `into` with n sorted observations (at least 98, so that the clip is range / 100):
 * copies of the values and ranks, each one's kind, and the boxes' starts; and returns the
 * weights. Each bandwidth is the one bandwidth.ts gives (the larger gap to a neighbour, the
 * prior's mean at the centre among the neighbours, clipped to [range / 100, range]), computed
 * here in one pass, since allocating its arrays for every suggestion cost more than the sums.
 * `direct` must hold n entries.
 */
export function classify(
  values: Float64Array,
  ranks: Int32Array,
  domain: Domain,
  into: Layout,
  direct: Weights['direct'],
  directSigmas: Float64Array,
): Weights {
  const n = values.length;
  const { low, high } = domain;
  const range = high - low;
  const clip = range / BOXES;
  const prior = 0.5 * (low + high);
  const ramp = n - FLAT;
  const alpha = 1 / n;
  const beta = (1 - 1 / n) / (ramp - 1);
  let priorPlace = 0; // the first observation above the prior's mean
  while (priorPlace < n && (values[priorPlace] ?? NaN) <= prior) priorPlace++;
  const { kinds, starts } = into;
  into.values.set(values);
  into.ranks.set(ranks);
  let total = 0;
  let widthTotal = 0;
  let directCount = 0;
  let box = 0;
  let boundary = low + clip;
  for (let j = 0; j < n; j++) {
    const value = values[j] ?? NaN;
    // Inside, both neighbours are observations; the first, the last and the two beside the
    // prior take the general rule.
    const gap =
      j === 0 || j === n - 1 || j === priorPlace - 1 || j === priorPlace
        ? edgeGap(values, j, domain, prior, priorPlace)
        : Math.max(value - (values[j - 1] ?? NaN), (values[j + 1] ?? NaN) - value);
    const sigma = gap < clip ? clip : gap > range ? range : gap;
    const rank = ranks[j] ?? NaN;
    const ramped = rank < ramp;
    const u = ramped ? alpha + beta * rank : 1;
    total += u;
    widthTotal += u * sigma;
    if (sigma === clip) {
      kinds[j] = ramped ? RAMP : NEWEST;
    } else {
      kinds[j] = DIRECT;
      direct[directCount] = j;
      directSigmas[directCount++] = sigma;
    }
    // The next box starts at its lower edge (the last box also takes `high`).
    while (value >= boundary && box < BOXES - 1) {
      starts[++box] = j;
      boundary = low + (box + 1) * clip;
    }
  }
  while (box < BOXES) starts[++box] = n;
  return { alpha, beta, ramp, total, widthTotal, direct, directSigmas, directCount };
}

/** Observation j's larger gap to a neighbour by the general rule (sortedNeighbourBandwidths in bandwidth.ts). */
function edgeGap(values: Float64Array, j: number, domain: Domain, prior: number, priorPlace: number): number {
  const n = values.length;
  const value = values[j] ?? NaN;
  const left = j === priorPlace ? prior : j > 0 ? (values[j - 1] ?? NaN) : domain.low;
  const right = j === priorPlace - 1 ? prior : j < n - 1 ? (values[j + 1] ?? NaN) : domain.high;
  // Its place among the n + 1 components sorted with the prior; without consider_endpoints
  // the outermost take their inner gap only.
  const place = j < priorPlace ? j : j + 1;
  if (!domain.considerEndpoints && place === 0) return right - value;
  if (!domain.considerEndpoints && place === n) return value - left;
  return Math.max(value - left, right - value);
}

/** Whether box b holds the same components (value, rank, kind) in both layouts. */
export function sameBox(before: Layout, after: Layout, b: number): boolean {
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
