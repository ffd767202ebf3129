const BARS = '▁▂▃▄▅▆▇█';

/**
 * A curve as one line of block characters, scaled between `low` and `high` (shared by the lines
 * shown together, so that they compare); a missing value is a space. Stands in for a real
 * terminal chart until one is a dependency.
 */
export function sparkline(values: readonly (number | undefined)[], low: number, high: number): string {
  const span = high - low;
  return values
    .map((value) => {
      if (value === undefined || !Number.isFinite(value)) return ' ';
      const level = span > 0 ? Math.round(((value - low) / span) * (BARS.length - 1)) : BARS.length - 1;
      return BARS[Math.min(BARS.length - 1, Math.max(0, level))];
    })
    .join('');
}
