import type { TrialRecord } from '../../src/store/records.js';
import { chooseColumns } from './choose-columns.js';
import { formatObjective, formatParam, formatSeconds } from './format-values.js';
import type { TextColumn } from './text-column.js';
import { textTable } from './text-table.js';

export interface TrialsTableOptions {
  readonly rank?: boolean;
  readonly metric: string;
  /** The study's parameters, in the order of its space. */
  readonly paramOrder?: readonly string[];
  /** Fit this many characters (see outputWidth); every column when undefined. */
  readonly width?: number;
  /** `--columns`: the columns to show after rank, trial and the objective, in this order. */
  readonly columns?: readonly string[];
}

/** Which columns go first when the terminal is narrow: the parameters outlast the bookkeeping. */
const PRIORITY = { epochs: 0, trainTime: 1, param: 2, testAccuracy: 3, state: 4 } as const;

/**
 * A table of trials for a terminal: rank, trial, state, the objective, test accuracy (when the data
 * has a test part), epochs, best epoch, train time and one column per parameter any of them has;
 * or the columns `--columns` chooses. Fitted to `width` (see fitColumns).
 */
export function trialsTable(trials: readonly TrialRecord[], options: TrialsTableOptions): string {
  const { fixed, params } = trialColumns(trials, options);
  const width = options.width !== undefined ? { width: options.width } : {};
  if (options.columns !== undefined) return textTable(chooseColumns([...fixed, ...params.map((p) => p.column)], options.columns), width);
  const present = new Set(trials.flatMap((t) => Object.keys(t.params)));
  // Only studies whose data has a test part have test accuracies; the others keep their width.
  const tested = trials.some((t) => t.result?.testAccuracy !== undefined);
  const shown = [
    ...fixed.filter((column) => column.key !== 'test_accuracy' || tested),
    ...params.filter((p) => present.has(p.name)).map((p) => p.column),
  ];
  return textTable(shown, { ...width, hint: 'choose with --columns' });
}

/** Refuses a `--columns` name the table of this study would not have, before anything is read. */
export function checkColumnNames(options: TrialsTableOptions): void {
  const { fixed, params } = trialColumns([], options);
  if (options.columns !== undefined) chooseColumns([...fixed, ...params.map((p) => p.column)], options.columns);
}

/**
 * Every column a table of these trials can have. A parameter's column is called by the
 * parameter's name, or `params_NAME` (as `export` names it) when a column above has that name.
 */
function trialColumns(
  trials: readonly TrialRecord[],
  options: TrialsTableOptions,
): { fixed: TextColumn[]; params: { name: string; column: TextColumn }[] } {
  const present = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const order = options.paramOrder ?? [];
  const paramNames = [...order, ...present.filter((name) => !order.includes(name))];
  const cells = (cell: (trial: TrialRecord, index: number) => string): string[] => trials.map(cell);
  const fixed: TextColumn[] = [
    ...(options.rank ? [{ key: 'rank', header: 'rank', cells: cells((_, index) => String(index + 1)), keep: true, priority: 0 }] : []),
    { key: 'trial', header: 'trial', cells: cells((t) => String(t.number)), keep: true, priority: 0 },
    { key: 'state', header: 'state', cells: cells((t) => t.state), priority: PRIORITY.state },
    {
      key: options.metric,
      aliases: ['value'],
      header: options.metric,
      cells: cells((t) => formatObjective(t.result)),
      keep: true,
      priority: 0,
    },
    {
      key: 'test_accuracy',
      header: 'test accuracy',
      cells: cells((t) => (t.result?.testAccuracy !== undefined ? t.result.testAccuracy.toFixed(4) : '-')),
      priority: PRIORITY.testAccuracy,
    },
    { key: 'epochs', header: 'epochs', cells: cells((t) => (t.result ? String(t.result.epochs) : '-')), priority: PRIORITY.epochs },
    {
      key: 'best_epoch',
      header: 'best epoch',
      cells: cells((t) => (t.result ? String(t.result.bestEpoch) : '-')),
      priority: PRIORITY.epochs,
    },
    { key: 'train_time', header: 'train time', cells: cells((t) => formatSeconds(t.result?.trainSeconds)), priority: PRIORITY.trainTime },
  ];
  const taken = new Set(fixed.flatMap((column) => [column.key, ...(column.aliases ?? [])]));
  const params = paramNames.map((name) => ({
    name,
    column: {
      key: taken.has(name) ? `params_${name}` : name,
      aliases: [`params_${name}`],
      header: name,
      cells: cells((t) => formatParam(t.params[name])),
      priority: PRIORITY.param,
    },
  }));
  return { fixed, params };
}
