import Table from 'cli-table3';
import type { TrialRecord } from '../../src/store/records.js';
import { formatObjective, formatParam, formatSeconds } from './format-values.js';

/** A table of trials for a terminal: one column per parameter that any of them has. */
export function trialsTable(trials: readonly TrialRecord[], options: { rank?: boolean; metric: string; paramOrder?: readonly string[] }): string {
  const present = new Set(trials.flatMap((t) => Object.keys(t.params)));
  const paramNames = [...(options.paramOrder ?? []).filter((name) => present.has(name)), ...[...present].filter((name) => !options.paramOrder?.includes(name))];
  // Only studies whose data has a test part have test accuracies; the others keep their width.
  const tested = trials.some((t) => t.result?.testAccuracy !== undefined);
  const head = [...(options.rank ? ['rank'] : []), 'trial', 'state', options.metric, ...(tested ? ['test accuracy'] : []), 'epochs', 'best epoch', 'train time', ...paramNames];
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  trials.forEach((trial, index) => {
    table.push([
      ...(options.rank ? [String(index + 1)] : []),
      String(trial.number),
      trial.state,
      formatObjective(trial.result),
      ...(tested ? [trial.result?.testAccuracy !== undefined ? trial.result.testAccuracy.toFixed(4) : '-'] : []),
      trial.result ? String(trial.result.epochs) : '-',
      trial.result ? String(trial.result.bestEpoch) : '-',
      formatSeconds(trial.result?.trainSeconds),
      ...paramNames.map((name) => formatParam(trial.params[name])),
    ]);
  });
  return table.toString();
}
