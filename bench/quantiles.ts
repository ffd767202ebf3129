/**
 * Quantiles of a sample, linearly interpolated between order statistics (numpy's default), so
 * the medians printed here match what one would compute from the raw values in Python.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (position - below);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
