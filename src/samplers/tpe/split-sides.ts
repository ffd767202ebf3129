/** The sides of a split, as SplitSides numbers them. */
export const BELOW = 1;
export const ABOVE = 2;

/** One side's sorted observations of a parameter and each one's place in trial order. */
export interface SortedObservations {
  readonly values: Float64Array;
  readonly ranks: Int32Array;
}

export interface SortedSides {
  readonly below: SortedObservations;
  readonly above: SortedObservations;
}

/** Which side of the split each trial is on, and its place on that side in trial order. */
export class SplitSides {
  /** Indexed by trial number: 0 (neither), BELOW or ABOVE. */
  private readonly side: Int8Array;
  private readonly rank: Int32Array;
  private readonly sizes = [0, 0, 0];

  /** Sides for trial numbers below `capacity`, all empty; `add` fills them in trial order. */
  constructor(capacity: number) {
    this.side = new Int8Array(capacity);
    this.rank = new Int32Array(capacity);
  }

  /** The sides of the given trial numbers (each list ascending). */
  static of(below: readonly number[], above: readonly number[]): SplitSides {
    const sides = new SplitSides(Math.max(below.at(-1) ?? 0, above.at(-1) ?? 0) + 1);
    let b = 0;
    let a = 0;
    while (b < below.length || a < above.length) {
      if (a === above.length || (b < below.length && (below[b] ?? NaN) < (above[a] ?? NaN))) sides.add(below[b++] ?? NaN, BELOW);
      else sides.add(above[a++] ?? NaN, ABOVE);
    }
    return sides;
  }

  /** How many trial numbers the sides can hold. */
  get capacity(): number {
    return this.side.length;
  }

  /** Every trial back on neither side. */
  clear(): void {
    this.side.fill(0);
    this.sizes.fill(0);
  }

  /** Puts trial `number` on `side`, after every trial added before it: add in trial order. */
  add(number: number, side: number): void {
    this.side[number] = side;
    this.rank[number] = this.sizes[side] ?? NaN;
    this.sizes[side] = (this.sizes[side] ?? NaN) + 1;
  }

  /**
   * The column's entries on each side, in the column's (sorted) order, with each one's place in
   * trial order among the side's trials that have the parameter: all of them for an
   * unconditional parameter; for a conditional one the places are renumbered without the
   * trials that lack it, as an estimator over the trials that have it numbers them. One pass
   * over the column for both sides.
   */
  sort(values: readonly number[], numbers: readonly number[], into = new SideBuffers()): SortedSides {
    const below = into.fit(BELOW, this.sizes[BELOW] ?? 0);
    const above = into.fit(ABOVE, this.sizes[ABOVE] ?? 0);
    let belowCount = 0;
    let aboveCount = 0;
    const { side, rank } = this;
    for (let k = 0; k < numbers.length; k++) {
      const number = numbers[k] ?? NaN;
      const on = side[number];
      if (on === ABOVE) {
        above.values[aboveCount] = values[k] ?? NaN;
        above.ranks[aboveCount++] = rank[number] ?? NaN;
      } else if (on === BELOW) {
        below.values[belowCount] = values[k] ?? NaN;
        below.ranks[belowCount++] = rank[number] ?? NaN;
      }
    }
    return { below: compact(below, belowCount), above: compact(above, aboveCount) };
  }
}

/**
 * Arrays that SplitSides.sort gathers a column's sides into, kept by the sampler between
 * suggestions: new arrays of n numbers for every parameter and suggestion cost more than the
 * gathering itself (allocation and the garbage collector). What sort returns is a view of
 * these arrays, good until the next sort into them.
 */
export class SideBuffers {
  private readonly values = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private readonly ranks = [new Int32Array(0), new Int32Array(0), new Int32Array(0)];

  /** `side`'s arrays, at least `size` long (grown with room to spare) and viewed at exactly `size`. */
  fit(side: number, size: number): SortedObservations {
    if ((this.values[side]?.length ?? 0) < size) {
      this.values[side] = new Float64Array(size + (size >> 3));
      this.ranks[side] = new Int32Array(size + (size >> 3));
    }
    return { values: (this.values[side] as Float64Array).subarray(0, size), ranks: (this.ranks[side] as Int32Array).subarray(0, size) };
  }
}

/** The first `count` entries, renumbered 0..count-1 in the same order if some of the side's trials lacked the parameter. */
function compact(side: SortedObservations, count: number): SortedObservations {
  const size = side.values.length;
  if (count === size) return side;
  // A rank's new place is how many of the present ranks are below it.
  const present = new Int32Array(size + 1);
  const ranks = side.ranks.subarray(0, count);
  for (let k = 0; k < count; k++) present[(ranks[k] ?? NaN) + 1] = 1;
  for (let r = 1; r <= size; r++) present[r] = (present[r] ?? NaN) + (present[r - 1] ?? NaN);
  for (let k = 0; k < count; k++) ranks[k] = present[ranks[k] ?? NaN] ?? NaN;
  return { values: side.values.subarray(0, count), ranks };
}
