/** A metric value for a pruning reason: six significant digits tell close values apart without float noise. */
export function formatMetric(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}
