import type { TrialEpochRecord, TrialRecord } from '../../src/store/records.js';
import { trialJson } from '../../src/views/trial-json.js';
import { EPOCH_COLUMNS, epochJson } from '../../src/views/trial-detail-json.js';

/** A flat record: one value per column, null when unknown. */
export type ExportRow = Record<string, string | number | boolean | null>;

/** The trial columns of `sweeper export`, before one `params_<name>` column per parameter. */
export const TRIAL_COLUMNS = [
  'number',
  'state',
  'value',
  'value_std',
  'repeats',
  'epochs',
  'best_epoch',
  'train_seconds',
  'test_accuracy',
  'attempt',
  'worker',
  'queued_at',
  'started_at',
  'finished_at',
  'reason',
] as const;

/** The columns of `sweeper export --epochs`: the trial's number, then the epoch's metrics. */
export const EPOCH_EXPORT_COLUMNS = ['number', 'repeat', 'epoch', ...EPOCH_COLUMNS] as const;

export function trialExportColumns(paramNames: readonly string[]): string[] {
  return [...TRIAL_COLUMNS, ...paramNames.map((name) => `params_${name}`)];
}

/** A trial flattened for pandas and spreadsheets: parameters as `params_<name>` (as Optuna's trials_dataframe names them). */
export function trialExportRow(trial: TrialRecord, paramNames: readonly string[]): ExportRow {
  const json = trialJson(trial);
  const row: ExportRow = {};
  for (const column of TRIAL_COLUMNS) row[column] = json[column];
  for (const name of paramNames) row[`params_${name}`] = trial.params[name] ?? null;
  return row;
}

/**
 * The column of an extra metric (one a user's own code reports beyond the built-in ones): its
 * name, or `extra_<name>` where the name is already a column's (`number`, `repeat`).
 */
export function extraColumn(name: string): string {
  return (EPOCH_EXPORT_COLUMNS as readonly string[]).includes(name) ? `extra_${name}` : name;
}

/** An epoch's row: the built-in columns, then each extra metric it has under extraColumn(name). */
export function epochExportRow(epoch: TrialEpochRecord): ExportRow {
  const { extra, ...json } = epochJson(epoch);
  const row: ExportRow = { number: epoch.trialNumber, ...json };
  for (const name of Object.keys(extra).sort()) row[extraColumn(name)] = extra[name] ?? null;
  return row;
}
