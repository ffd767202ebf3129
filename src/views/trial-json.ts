import type { StudySummary, TrialRecord } from '../store/records.js';

/**
 * The `--json` shape of a trial: snake_case, every field always present (null when unknown), so
 * that scripts can rely on it. Documented in docs/cli.md, "JSON output".
 */
export interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  value_std: number | null;
  repeats: number | null;
  epochs: number | null;
  best_epoch: number | null;
  train_seconds: number | null;
  /** Mean over repeats of the test accuracy with each repeat's best-epoch weights. */
  test_accuracy: number | null;
  params: Record<string, string | number | boolean>;
  attempt: number;
  worker: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  reason: string | null;
}

export function trialJson(trial: TrialRecord): TrialJson {
  const result = trial.result;
  return {
    number: trial.number,
    state: trial.state,
    value: finiteOrNull(result?.value),
    value_std: finiteOrNull(result?.valueStd),
    repeats: result?.repeats ?? null,
    epochs: result?.epochs ?? null,
    best_epoch: result?.bestEpoch ?? null,
    train_seconds: finiteOrNull(result?.trainSeconds),
    test_accuracy: finiteOrNull(result?.testAccuracy),
    params: { ...trial.params },
    attempt: trial.attempt,
    worker: trial.worker ?? null,
    queued_at: trial.queuedAt,
    started_at: trial.startedAt ?? null,
    finished_at: trial.finishedAt ?? null,
    reason: trial.reason ?? null,
  };
}

export interface StudyJson {
  name: string;
  created_at: string;
  direction: string;
  metric: string;
  budget: number | null;
  counts: Record<string, number>;
  best_value: number | null;
}

export function studyJson(summary: StudySummary): StudyJson {
  return {
    name: summary.name,
    created_at: summary.createdAt,
    direction: summary.direction,
    metric: summary.metric,
    budget: summary.budget ?? null,
    counts: { ...summary.counts },
    best_value: finiteOrNull(summary.bestValue),
  };
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}
