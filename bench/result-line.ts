/**
 * The last line of every benchmark: `result: key=value ...`, the one line scripts read
 * (keys never contain spaces or "="; values are numbers to 4 significant digits, or words).
 */
export function printResultLine(values: Readonly<Record<string, number | string>>): void {
  const parts = Object.entries(values).map(([key, value]) => `${key}=${typeof value === 'number' ? formatValue(value) : value}`);
  console.log(`result: ${parts.join(' ')}`);
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}
