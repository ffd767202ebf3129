/** A value as the server sends it: a metric, a count, a parameter's value; null when unknown. */
export type ShownValue = string | number | boolean | null | undefined;

/** Integers as they are, other numbers to 4 decimals (exponent form when very large or small), the rest as text. */
export function formatNumber(value: ShownValue): string {
  if (value === null || value === undefined) return '–';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude >= 1e4 || magnitude < 1e-3) ? value.toExponential(3) : value.toFixed(4);
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** An ISO time to the second, without the "T". */
export function formatTime(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 19) : '–';
}
