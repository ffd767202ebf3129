/**
 * The tables of a study's trials and the columns a copy carries over, besides `trial_id` (and
 * `parent_id`, another trial's id), which the copy maps to the new store's ids. Schema version 8
 * (src/store/sqlite/migrations.ts, src/store/postgres/migrations.ts): a migration that adds a
 * column adds it here, or the count check of `sweeper migrate` will not see it lost, but the
 * round-trip test comparing every query's output will.
 */
export const TRIAL_TABLES = {
  trial_params: ['name', 'value'],
  trial_epochs: [
    'repeat',
    'epoch',
    'train_loss',
    'train_accuracy',
    'val_loss',
    'val_accuracy',
    'learning_rate',
    'epoch_seconds',
    'mutual_information',
    'extra',
  ],
  trial_repeats: ['repeat', 'seed', 'value', 'epochs', 'best_epoch', 'train_seconds', 'finished_at', 'test'],
  trial_results: ['value', 'value_std', 'repeats', 'epochs', 'best_epoch', 'train_seconds', 'test_accuracy'],
  trial_logs: ['repeat', 'log'],
  trial_checkpoints: ['repeat', 'attempt', 'epoch', 'bytes', 'sha256', 'file', 'saved_at'],
  trial_segments: ['from_epoch', 'params', 'parent_id'],
} as const;

export type TrialTable = keyof typeof TRIAL_TABLES;

/** A study's own columns; `owner` is not copied (no process runs the copy) and `id` is the new store's. */
export const STUDY_COLUMNS = [
  'name',
  'created_at',
  'direction',
  'metric',
  'budget_trials',
  'definition',
  'source_text',
  'source_format',
  'source_path',
  'hosted',
] as const;

/** A trial's columns but its id and study; `state` is set last (see copy-studies.ts). */
export const TRIAL_COLUMNS = [
  'number',
  'state',
  'attempt',
  'worker',
  'queued_at',
  'started_at',
  'finished_at',
  'reason',
  'lost_attempts',
] as const;

export type Row = Record<string, unknown>;
