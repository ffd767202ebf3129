import type { ParamValue } from '../space/param-spec.js';
import type { TrialRecord } from '../store/records.js';

/** The Vega-Lite schema the specs are written against (vega-lite 6). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A number as charts label it: 4 significant digits, no trailing zeros. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  return String(Number(value.toPrecision(4)));
}

export function formatParam(value: ParamValue): string {
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

/**
 * The objective of a trial as charts plot it: the store's value when it is a finite number, else
 * null (JSON has no NaN; a diverged trial has no value to place on an axis).
 */
export function finiteValue(trial: TrialRecord): number | null {
  const value = trial.result?.value;
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** COMPLETE trials with a finite objective: the ones the objective charts can place. */
export function scoredTrials(trials: readonly TrialRecord[]): { trial: TrialRecord; value: number }[] {
  const scored: { trial: TrialRecord; value: number }[] = [];
  for (const trial of trials) {
    const value = finiteValue(trial);
    if (trial.state === 'COMPLETE' && value !== null) scored.push({ trial, value });
  }
  return scored;
}
