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
  private readonly sizes: Record<number, number>;

  constructor(below: readonly number[], above: readonly number[]) {
    const last = Math.max(below.at(-1) ?? 0, above.at(-1) ?? 0);
    this.side = new Int8Array(last + 1);
    this.rank = new Int32Array(last + 1);
    below.forEach((number, rank) => {
      this.side[number] = BELOW;
      this.rank[number] = rank;
    });
    above.forEach((number, rank) => {
      this.side[number] = ABOVE;
      this.rank[number] = rank;
    });
    this.sizes = { [BELOW]: below.length, [ABOVE]: above.length };
  }

  /**
   * The column's entries on `side`, in the column's (sorted) order, with each one's place in
   * trial order among the side's trials that have the parameter: all of them for an
   * unconditional parameter; for a conditional one the places are renumbered without the
   * trials that lack it, as an estimator over the trials that have it numbers them.
   */
  collect(values: readonly number[], numbers: readonly number[], side: number): SortedObservations {
    const size = this.sizes[side] ?? 0;
    const collected = new Float64Array(size);
    const ranks = new Int32Array(size);
    let count = 0;
    for (let k = 0; k < numbers.length; k++) {
      const number = numbers[k] ?? NaN;
      if (this.side[number] !== side) continue;
      collected[count] = values[k] ?? NaN;
      ranks[count] = this.rank[number] ?? NaN;
      count++;
    }
    if (count === size) return { values: collected, ranks };
    // Renumber: a rank's new place is how many of the present ranks are below it.
    const present = new Int32Array(size + 1);
    for (let k = 0; k < count; k++) present[(ranks[k] ?? NaN) + 1] = 1;
    for (let r = 1; r <= size; r++) present[r] = (present[r] ?? NaN) + (present[r - 1] ?? NaN);
    const compact = ranks.subarray(0, count);
    for (let k = 0; k < count; k++) compact[k] = present[compact[k] ?? NaN] ?? NaN;
    return { values: collected.subarray(0, count), ranks: compact };
  }
}
