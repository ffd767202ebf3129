import type { TrialState } from '../core/trial-state.js';
import type { TrialRecord } from './records.js';

/** Columns a page of trials can be sorted by; `param:NAME` sorts by a parameter. */
export const TRIAL_SORT_COLUMNS = [
  'number',
  'state',
  'value',
  'current_epoch',
  'best_epoch',
  'train_seconds',
  'test_accuracy',
  'worker',
] as const;
export type TrialSortColumn = (typeof TRIAL_SORT_COLUMNS)[number];
export type TrialSortKey = TrialSortColumn | `param:${string}`;

/**
 * One page of a study's trials, sorted and filtered by the database: a table over 100,000 trials
 * reads 100 of them, not all of them.
 */
export interface TrialPageQuery {
  /** Default `number`. Trials without a value in the column come last, in either direction. */
  readonly sort?: TrialSortKey;
  readonly descending?: boolean;
  /** Only trials in these states; all when absent. */
  readonly states?: readonly TrialState[];
  /**
   * Only trials where this text occurs (any case) in the number, state, objective value, worker,
   * reason or a parameter's value.
   */
  readonly text?: string;
  readonly offset: number;
  readonly limit: number;
}

/** A trial of a page, with the epoch it is at. */
export interface TrialPageRow {
  readonly trial: TrialRecord;
  /** The last epoch recorded (any repeat) while the trial runs; its final epochs once finished; null before either. */
  readonly currentEpoch: number | null;
}

export interface TrialPage {
  /** The page, in the requested order; ties by number. */
  readonly rows: readonly TrialPageRow[];
  /** Trials the filters keep, over all pages. */
  readonly matching: number;
}

export function isTrialSortKey(key: string): key is TrialSortKey {
  return (TRIAL_SORT_COLUMNS as readonly string[]).includes(key) || (key.startsWith('param:') && key.length > 'param:'.length);
}
