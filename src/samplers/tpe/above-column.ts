import { lowerBound } from './lower-bound.js';

/** One side's observations of a parameter, ascending (ties in trial order), and each one's place in trial order. */
export interface SortedObservations {
  readonly values: Float64Array;
  readonly ranks: Int32Array;
}

export interface SortedSides {
  readonly below: SortedObservations;
  readonly above: SortedObservations;
}

/** Above this many changes at once (and an eighth of the members), the column is rebuilt instead of edited. */
const REBUILD = 256;
/** Values logged for readers (changesSince) before the log gives up and says "everything". */
const LOG_LIMIT = 4096;

/** What changed in a column since a version: every member (renumbered or rebuilt), or the values added or removed. */
export interface ColumnChanges {
  readonly all: boolean;
  readonly values: readonly number[];
}

/**
 * One parameter's observations among the trials above the split (those that shape g(x)), kept
 * sorted by value between suggestions, each with its place in trial order among the members
 * (for a conditional parameter, among the trials above that have it). A suggestion changes a
 * few members (a new running trial, a finished one that moves between the sides), so the
 * column is edited where they change instead of gathered and sorted again from every trial:
 * at 10,000 trials that gathering was a tenth of a suggestion per parameter.
 *
 * Places in trial order are kept as long as changes only come after every member (a new
 * trial): then the others keep theirs. A change before a member (a trial leaving or joining
 * mid-history) numbers them all again.
 */
export class AboveColumn {
  /** Members sorted by (value, trial number), with their ranks. */
  private values = new Float64Array(0);
  private numbers = new Int32Array(0);
  private ranks = new Int32Array(0);
  /** Members' trial numbers ascending: a member's rank is its place here. */
  private order = new Int32Array(0);
  private count = 0;
  /** By trial number: the value it is kept at, NaN if it is not a member. */
  private kept = new Float64Array(0);
  /** Counts the updates that changed something. */
  private updates = 0;
  /** The update since which the log holds every value added or removed (the last renumbering). */
  private logStart = 0;
  private log: { value: number; update: number }[] = [];

  /**
   * Brings the column up to date with the trials in `changed` (any others are as they were):
   * `valueOf(number)` is the trial's value if it is a member now (above the split and with the
   * parameter), NaN otherwise.
   */
  update(changed: ArrayLike<number>, valueOf: (number: number) => number): void {
    const leaving: { number: number; value: number }[] = [];
    const entering: number[] = [];
    for (let k = 0; k < changed.length; k++) {
      const number = changed[k] ?? NaN;
      const now = valueOf(number);
      const was = this.keptValue(number);
      if (now === was || (Number.isNaN(now) && Number.isNaN(was))) continue;
      if (!Number.isNaN(was)) leaving.push({ number, value: was });
      if (!Number.isNaN(now)) entering.push(number);
      this.keep(number, now);
    }
    if (leaving.length + entering.length === 0) return;
    this.updates++;
    if (leaving.length + entering.length > Math.max(REBUILD, this.count >> 3)) return this.rebuild();
    for (const { number, value } of leaving) this.remove(number, value);
    const newest = this.count > 0 ? (this.order[this.count - 1] ?? NaN) : -1;
    const shifted = leaving.some(({ number }) => number < newest) || entering.some((number) => number < newest);
    entering.sort((a, b) => a - b);
    for (const number of entering) this.insert(number);
    if (shifted) return this.renumber();
    if (this.log.length + leaving.length + entering.length > LOG_LIMIT) return this.forget();
    for (const { value } of leaving) this.log.push({ value, update: this.updates });
    for (const number of entering) this.log.push({ value: this.kept[number] ?? NaN, update: this.updates });
  }

  /** Where the column is: pass it to changesSince later. */
  get version(): number {
    return this.updates;
  }

  /**
   * The values added or removed since `version` (members may have moved past them), or all if
   * the log cannot say. A column has one reader: what it has read is dropped from the log.
   */
  changesSince(version: number): ColumnChanges {
    if (version < this.logStart) return { all: true, values: [] };
    const kept = this.log.filter((entry) => entry.update > version);
    this.log = kept;
    this.logStart = version;
    return { all: false, values: kept.map((entry) => entry.value) };
  }

  /** The value of the member at `rank` in trial order. */
  valueAtRank(rank: number): number {
    return this.kept[this.order[rank] ?? 0] ?? NaN;
  }

  /** How many members there are. */
  get size(): number {
    return this.count;
  }

  /** Every member moved (renumbered or rebuilt): readers start over. */
  private forget(): void {
    this.log = [];
    this.logStart = this.updates;
  }

  /** The members, as views of the column's own arrays: good until the next update. */
  sorted(): SortedObservations {
    return { values: this.values.subarray(0, this.count), ranks: this.ranks.subarray(0, this.count) };
  }

  private keptValue(number: number): number {
    return number < this.kept.length ? (this.kept[number] ?? NaN) : NaN;
  }

  private keep(number: number, value: number): void {
    if (number >= this.kept.length) {
      const grown = new Float64Array(Math.max(2 * this.kept.length, number + 64)).fill(Number.NaN);
      grown.set(this.kept);
      this.kept = grown;
    }
    this.kept[number] = value;
  }

  /** Every member again from `kept`: sorted by value, ranked by number. */
  private rebuild(): void {
    const members: number[] = [];
    for (let number = 0; number < this.kept.length; number++) if (!Number.isNaN(this.kept[number])) members.push(number);
    this.count = 0;
    this.reserve(members.length);
    this.order.set(members);
    const byValue = members.slice().sort((a, b) => (this.kept[a] ?? NaN) - (this.kept[b] ?? NaN) || a - b);
    byValue.forEach((number, k) => {
      this.values[k] = this.kept[number] ?? NaN;
      this.numbers[k] = number;
    });
    this.count = members.length;
    this.renumber();
  }

  /** Each member's rank from its place in `order`. */
  private renumber(): void {
    this.forget();
    const rankOf = new Int32Array(this.kept.length);
    for (let r = 0; r < this.count; r++) rankOf[this.order[r] ?? 0] = r;
    for (let k = 0; k < this.count; k++) this.ranks[k] = rankOf[this.numbers[k] ?? 0] ?? NaN;
  }

  private insert(number: number): void {
    this.reserve(this.count + 1);
    const value = this.kept[number] ?? NaN;
    const at = this.position(value, number);
    this.values.copyWithin(at + 1, at, this.count);
    this.numbers.copyWithin(at + 1, at, this.count);
    this.ranks.copyWithin(at + 1, at, this.count);
    this.values[at] = value;
    this.numbers[at] = number;
    const place = lowerBound(this.order, number, 0, this.count);
    this.order.copyWithin(place + 1, place, this.count);
    this.order[place] = number;
    // Right when it comes after every member (the common case); renumber() fixes it otherwise.
    this.ranks[at] = place;
    this.count++;
  }

  /** Removes a member; `value` is the one it was sorted by (`kept` may hold its new one). */
  private remove(number: number, value: number): void {
    const at = this.position(value, number);
    if (this.numbers[at] !== number || at >= this.count) return;
    this.values.copyWithin(at, at + 1, this.count);
    this.numbers.copyWithin(at, at + 1, this.count);
    this.ranks.copyWithin(at, at + 1, this.count);
    const place = lowerBound(this.order, number, 0, this.count);
    this.order.copyWithin(place, place + 1, this.count);
    this.count--;
  }

  /** The first place whose (value, number) is not less than the given pair. */
  private position(value: number, number: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      const v = this.values[mid] ?? NaN;
      if (v < value || (v === value && (this.numbers[mid] ?? NaN) < number)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private reserve(size: number): void {
    if (size <= this.values.length) return;
    const room = Math.max(64, size + (size >> 1));
    const grow = <T extends Float64Array | Int32Array>(old: T, made: T): T => {
      made.set(old.subarray(0, this.count));
      return made;
    };
    this.values = grow(this.values, new Float64Array(room));
    this.numbers = grow(this.numbers, new Int32Array(room));
    this.ranks = grow(this.ranks, new Int32Array(room));
    this.order = grow(this.order, new Int32Array(room));
  }
}
