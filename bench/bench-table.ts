import Table from 'cli-table3';

/**
 * Prints a benchmark's table to stdout. No colours: the output is meant to be pasted into
 * bench/README.md and read from CI logs.
 */
export function printTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const table = new Table({ head: [...head], style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? significant(cell) : cell)));
  console.log(table.toString());
}

/** A number with `digits` significant digits (no exponent for the sizes benchmarks print). */
export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return String(Number(value.toPrecision(digits)));
}
