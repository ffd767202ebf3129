/** The first index in [from, to) of sorted `values` whose value is >= `value`. */
export function lowerBound(values: Float64Array | Int32Array, value: number, from: number, to: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((values[mid] ?? NaN) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
