import { visibleControls } from '../../src/logging/visible-controls.js';
import type { ParamValue } from '../../src/space/param-spec.js';
import type { TrialResult } from '../../src/store/records.js';

/** Objective as the reference reports print it: mean +- std over repeats. */
export function formatObjective(result: TrialResult | undefined): string {
  if (!result || !Number.isFinite(result.value)) return '-';
  const mean = result.value.toFixed(4);
  return result.valueStd === undefined ? mean : `${mean} ± ${result.valueStd.toFixed(4)}`;
}

/** A parameter's value as text; a string's control characters are shown (`\x1b`), so tables measure what a terminal shows. */
export function formatParam(value: ParamValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return visibleControls(value);
  if (typeof value !== 'number' || Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? String(Number(value.toPrecision(4))) : value.toExponential(3);
}

export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  return seconds < 100 ? `${seconds.toFixed(1)}s` : `${Math.round(seconds)}s`;
}
