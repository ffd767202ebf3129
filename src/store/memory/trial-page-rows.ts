import type { TrialPageQuery, TrialSortColumn } from '../trial-page.js';
import { currentEpoch, type StoredTrial } from './stored-trial.js';

/** A value as SQLite orders it: numbers before text; null is put last apart. */
type SortValue = number | string | null;

const COLUMN_VALUE: Readonly<Record<TrialSortColumn, (trial: StoredTrial) => SortValue>> = {
  number: (t) => t.number,
  state: (t) => t.state,
  value: (t) => nullIfNaN(t.result?.value),
  current_epoch: (t) => currentEpoch(t),
  best_epoch: (t) => t.result?.bestEpoch ?? null,
  train_seconds: (t) => t.result?.trainSeconds ?? null,
  test_accuracy: (t) => t.result?.testAccuracy ?? null,
  worker: (t) => t.worker ?? null,
};

/**
 * One page of trials, filtered and sorted as the SQLite store's query (trial-page-sql.ts) does:
 * nulls last in either direction, numbers before text, ties by number; the text is looked for,
 * ASCII letters in any case, in the number, state, value, worker, reason and parameters' JSON.
 */
export function trialPageRows(trials: readonly StoredTrial[], query: TrialPageQuery): { rows: StoredTrial[]; matching: number } {
  const states = query.states === undefined ? undefined : new Set(query.states);
  const text = query.text?.trim();
  const kept = trials.filter((trial) => (states === undefined || states.has(trial.state)) && (!text || containsText(trial, text)));
  const sort = query.sort ?? 'number';
  const valueOf = sort.startsWith('param:') ? paramValue(sort.slice('param:'.length)) : COLUMN_VALUE[sort as TrialSortColumn];
  const direction = query.descending ? -1 : 1;
  const sorted = kept
    .map((trial) => ({ trial, value: valueOf(trial) }))
    .sort(
      (a, b) =>
        Number(a.value === null) - Number(b.value === null) ||
        direction * compareSqlite(a.value, b.value) ||
        a.trial.number - b.trial.number,
    )
    .map(({ trial }) => trial);
  // SQLite's LIMIT takes a negative limit for none.
  const end = query.limit < 0 ? undefined : query.offset + query.limit;
  return { rows: sorted.slice(query.offset, end), matching: kept.length };
}

/** json_extract of the parameter's JSON: a boolean reads as 1 or 0. */
function paramValue(name: string): (trial: StoredTrial) => SortValue {
  return (trial) => {
    const value = trial.params[name];
    if (value === undefined || value === null) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value;
  };
}

function compareSqlite(a: SortValue, b: SortValue): number {
  if (a === null || b === null) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function containsText(trial: StoredTrial, text: string): boolean {
  const needle = asciiLower(text);
  const value = nullIfNaN(trial.result?.value);
  const fields = [
    String(trial.number),
    trial.state,
    value === null ? undefined : sqliteRealText(value),
    trial.worker,
    trial.reason,
    ...Object.values(trial.params).map((v) => JSON.stringify(v)),
  ];
  return fields.some((field) => field !== undefined && asciiLower(field).includes(needle));
}

/** LIKE folds the case of ASCII letters only. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function nullIfNaN(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : value;
}

/**
 * A REAL as SQLite casts it to text (`0.9`, `100.0`, `1.0e-07`): 15 significant digits when they
 * give the number back, else 17. SQLite's own conversion can differ in the 17th digit.
 */
export function sqliteRealText(value: number): string {
  const digits = Number(value.toPrecision(15)) === value ? 15 : 17;
  const [mantissa = '', power = '0'] = value.toExponential(digits - 1).split('e');
  const exponent = Number(power);
  if (exponent < -4 || exponent >= 17)
    return `${withPoint(mantissa)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return withPoint(value.toFixed(Math.max(0, digits - 1 - exponent)));
}

/** Trailing zeros dropped, and one digit kept after the point. */
function withPoint(decimal: string): string {
  if (!decimal.includes('.')) return `${decimal}.0`;
  return decimal.replace(/0+$/, '').replace(/\.$/, '.0');
}
