/**
 * numpy.nanpercentile with its default 'linear' method, to the bit: NaNs are ignored, and the
 * interpolation between the two neighbouring order statistics is computed as numpy's _lerp does
 * (from the upper neighbour when the weight is >= 0.5), so thresholds equal Optuna's exactly.
 * Returns NaN when no value is a number.
 */
export function nanPercentile(values: readonly number[], percentile: number): number {
  return sortedPercentile(
    values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b),
    percentile,
  );
}

/** nanPercentile of values that are already numbers in ascending order: no pass over them. */
export function sortedPercentile(sorted: readonly number[], percentile: number): number {
  if (sorted.length === 0) return Number.NaN;
  const lastIndex = sorted.length - 1;
  const index = lastIndex * (percentile / 100);
  const lower = Math.min(Math.floor(index), lastIndex);
  const upper = Math.min(lower + 1, lastIndex);
  const weight = index - lower;
  const below = sorted[lower] ?? Number.NaN;
  const above = sorted[upper] ?? Number.NaN;
  const difference = above - below;
  return weight >= 0.5 ? above - difference * (1 - weight) : below + difference * weight;
}
