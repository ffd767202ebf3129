/**
 * In-range reads of typed arrays under `noUncheckedIndexedAccess`, without a cast at each use.
 * A read out of range gives NaN, as `undefined` would in the arithmetic it feeds. Two functions,
 * one per array type, keep each one's element access monomorphic so that V8 inlines it into the
 * hot loops at no cost (measured with bench:tpe-speed).
 */
export function at(values: Float64Array, i: number): number {
  return values[i] ?? NaN;
}

export function indexAt(values: Int32Array, i: number): number {
  return values[i] ?? NaN;
}
