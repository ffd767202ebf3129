/**
 * Every trial's value of each numeric parameter, kept sorted (ties in trial-number order) as
 * trials arrive, so that a univariate estimator gets its observations in order without sorting
 * the whole history on every suggestion. A new trial costs one binary search and one insert
 * per parameter.
 */
export class SortedColumns {
  private readonly values: number[][];
  private readonly numbers: number[][];

  constructor(columns: number) {
    this.values = Array.from({ length: columns }, () => []);
    this.numbers = Array.from({ length: columns }, () => []);
  }

  /** Records trial `number`'s row (NaN where it lacks a parameter), replacing `previous` if given. */
  update(number: number, row: Float64Array, previous?: Float64Array): void {
    row.forEach((value, column) => {
      const old = previous?.[column];
      if (old !== undefined && (old === value || (Number.isNaN(old) && Number.isNaN(value)))) return;
      if (old !== undefined && !Number.isNaN(old)) this.remove(column, old, number);
      if (!Number.isNaN(value)) this.insert(column, value, number);
    });
  }

  /** The column's values ascending, and the trial each came from. */
  column(column: number): { readonly values: readonly number[]; readonly numbers: readonly number[] } {
    return this.entries(column);
  }

  private insert(column: number, value: number, number: number): void {
    const at = this.position(column, value, number);
    const { values, numbers } = this.entries(column);
    values.splice(at, 0, value);
    numbers.splice(at, 0, number);
  }

  private remove(column: number, value: number, number: number): void {
    const at = this.position(column, value, number);
    const { values, numbers } = this.entries(column);
    if (numbers[at] !== number) return;
    values.splice(at, 1);
    numbers.splice(at, 1);
  }

  /** The first place whose (value, number) is not less than the given pair. */
  private position(column: number, value: number, number: number): number {
    const { values, numbers } = this.entries(column);
    let low = 0;
    let high = values.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const v = values[mid] ?? NaN;
      if (v < value || (v === value && (numbers[mid] ?? NaN) < number)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** A column's values and trial numbers, in step; `column` is below the count given to the constructor. */
  private entries(column: number): { values: number[]; numbers: number[] } {
    const values = this.values[column];
    const numbers = this.numbers[column];
    if (!values || !numbers) throw new RangeError(`column must be below ${this.values.length}, but got ${column}`);
    return { values, numbers };
  }
}
