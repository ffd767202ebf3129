import { stringify } from 'csv-stringify/sync';
import type { TrialRecord } from '../../src/store/records.js';
import { trialJson } from './trial-json.js';

/** One row per trial, parameters flattened into `params_<name>` columns (as pandas users know from Optuna). */
export function trialsCsv(trials: readonly TrialRecord[]): string {
  const paramNames = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const columns = ['number', 'state', 'value', 'value_std', 'repeats', 'epochs', 'best_epoch', 'train_seconds', 'attempt', 'worker', 'queued_at', 'started_at', 'finished_at', 'reason'] as const;
  const rows = trials.map((trial) => {
    const json = trialJson(trial);
    return [...columns.map((column) => json[column]), ...paramNames.map((name) => trial.params[name] ?? null)];
  });
  return stringify([[...columns, ...paramNames.map((name) => `params_${name}`)], ...rows], { cast: { boolean: (value) => String(value) } });
}
