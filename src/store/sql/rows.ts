import { InvalidStateError } from '../../errors/invalid-state-error.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import { StaleAttemptError } from '../../errors/stale-attempt-error.js';
import type { EpochMetrics } from '../../core/metrics.js';
import type { SegmentRecord } from '../segments.js';
import { compareBestFirst, type Direction } from '../../core/direction.js';
import { TRIAL_STATES, type TrialState } from '../../core/trial-state.js';
import type { TestEvaluation } from '../../core/run-report.js';
import type { ParamValue, ParamValues } from '../../space/param-spec.js';
import type { StudyDefinition } from '../study-definition.js';
import type { CheckpointRecord } from '../checkpoints/checkpoint-record.js';
import type { EpochRecord, RepeatResult, StudyOwner, StudyRecord, StudySummary, TrialGroup, TrialRecord, TrialResult } from '../records.js';

/**
 * The rows of the trial store's tables as both SQL backends read them (SQLite and PostgreSQL
 * share one schema, migration by migration), and how they become records. JSON is stored as
 * text in both, so that a row means the same whichever database it came from.
 */

export interface StudyRow {
  id: number;
  name: string;
  created_at: string;
  direction: Direction;
  metric: string;
  budget_trials: number | null;
  definition: string;
  source_text: string | null;
  source_format: 'yaml' | 'json' | null;
  source_path: string | null;
  owner: string | null;
  hosted: 0 | 1;
}

export interface TrialRow {
  id: number;
  study_id: number;
  number: number;
  state: TrialState;
  attempt: number;
  lost_attempts: number;
  worker: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  reason: string | null;
}

export interface ResultRow {
  trial_id: number;
  value: number | null;
  value_std: number | null;
  repeats: number;
  epochs: number;
  best_epoch: number;
  train_seconds: number;
  test_accuracy: number | null;
}

export interface EpochRow {
  repeat: number;
  epoch: number;
  train_loss: number | null;
  train_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  learning_rate: number | null;
  epoch_seconds: number | null;
  mutual_information: number | null;
  extra: string | null;
}

export interface CheckpointRow extends CheckpointRecord {
  file: string;
}

export interface ParamRow {
  trial_id: number;
  name: string;
  value: string;
}

export interface RepeatRow {
  repeat: number;
  seed: number;
  value: number | null;
  epochs: number;
  best_epoch: number;
  train_seconds: number;
  test: string | null;
}

export function toRepeat(row: RepeatRow): RepeatResult {
  return {
    repeat: row.repeat,
    seed: row.seed,
    value: row.value ?? Number.NaN,
    epochs: row.epochs,
    bestEpoch: row.best_epoch,
    trainSeconds: row.train_seconds,
    ...(row.test !== null && { test: JSON.parse(row.test) as TestEvaluation }),
  };
}

/** A study's summary from its row, its trials' count by state and its best COMPLETE value. */
export function toSummary(
  row: StudyRow,
  counted: readonly { state: TrialState; n: number }[],
  best: number | null | undefined,
): StudySummary {
  const counts = Object.fromEntries(TRIAL_STATES.map((state) => [state, 0])) as Record<TrialState, number>;
  for (const { state, n } of counted) counts[state] = Number(n);
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    direction: row.direction,
    metric: row.metric,
    ...(row.budget_trials !== null && { budget: row.budget_trials }),
    hosted: row.hosted === 1,
    counts,
    ...(best != null && { bestValue: best }),
  };
}

/**
 * bestTrialsByGroup's groups from its ranked rows (each with its group's JSON value and size)
 * and their trials: groups ordered by their best trial, then by value.
 */
export function toGroups(
  rows: readonly { group_value: string; group_size: number }[],
  trials: readonly TrialRecord[],
  direction: Direction,
): TrialGroup[] {
  const groups = new Map<string, { value: ParamValue; complete: number; trials: TrialRecord[] }>();
  rows.forEach((row, index) => {
    let group = groups.get(row.group_value);
    if (!group)
      groups.set(
        row.group_value,
        (group = { value: JSON.parse(row.group_value) as ParamValue, complete: Number(row.group_size), trials: [] }),
      );
    group.trials.push(trials[index] as TrialRecord);
  });
  const top = (group: TrialGroup): number => group.trials[0]?.result?.value ?? 0;
  return [...groups.values()].sort((a, b) => compareBestFirst(top(a), top(b), direction) || compareValues(a.value, b.value));
}

/** Parameters and results by trial, from their rows, for toTrial. */
export function byTrial(
  params: readonly ParamRow[],
  results: readonly ResultRow[],
): {
  params: Map<number, Record<string, ParamValue>>;
  results: Map<number, ResultRow>;
} {
  const paramsOf = new Map<number, Record<string, ParamValue>>();
  for (const param of params) {
    const values = paramsOf.get(param.trial_id) ?? {};
    values[param.name] = JSON.parse(param.value) as ParamValue;
    paramsOf.set(param.trial_id, values);
  }
  return { params: paramsOf, results: new Map(results.map((result) => [result.trial_id, result])) };
}

/** The columns of a new trial row, as `newTrialValues` gives them. */
export const NEW_TRIAL_COLUMNS = '(study_id, number, state, attempt, worker, queued_at, started_at)';

/** A new trial's values for NEW_TRIAL_COLUMNS: QUEUED, or RUNNING as attempt 1 on `worker`. */
export function newTrialValues(studyId: number, number: number, worker: string | undefined, time: string): unknown[] {
  const running = worker !== undefined;
  return [studyId, number, running ? 'RUNNING' : 'QUEUED', running ? 1 : 0, worker ?? null, time, running ? time : null];
}

export function toStudy(row: StudyRow): StudyRecord {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    definition: JSON.parse(row.definition) as StudyDefinition,
    ...(row.source_text !== null && {
      source: { text: row.source_text, format: row.source_format ?? 'yaml', ...(row.source_path !== null && { path: row.source_path }) },
    }),
  };
}

export function toTrial(row: TrialRow, params: ParamValues, result: ResultRow | undefined): TrialRecord {
  return {
    id: row.id,
    studyId: row.study_id,
    number: row.number,
    state: row.state,
    attempt: row.attempt,
    lostAttempts: row.lost_attempts,
    params,
    queuedAt: row.queued_at,
    ...(row.worker !== null && { worker: row.worker }),
    ...(row.started_at !== null && { startedAt: row.started_at }),
    ...(row.finished_at !== null && { finishedAt: row.finished_at }),
    ...(row.reason !== null && { reason: row.reason }),
    ...(result && { result: toResult(result) }),
  };
}

export function toResult(row: ResultRow): TrialResult {
  return {
    value: row.value ?? Number.NaN,
    ...(row.value_std !== null && { valueStd: row.value_std }),
    repeats: row.repeats,
    epochs: row.epochs,
    bestEpoch: row.best_epoch,
    trainSeconds: row.train_seconds,
    ...(row.test_accuracy !== null && { testAccuracy: row.test_accuracy }),
  };
}

export function toEpoch(row: EpochRow): EpochRecord {
  return {
    repeat: row.repeat,
    epoch: row.epoch,
    ...defined({
      trainLoss: row.train_loss,
      trainAccuracy: row.train_accuracy,
      valLoss: row.val_loss,
      valAccuracy: row.val_accuracy,
      learningRate: row.learning_rate,
      epochSeconds: row.epoch_seconds,
      mutualInformation: row.mutual_information,
    }),
    ...(row.extra !== null && { extra: parseExtra(row.extra) }),
  };
}

/** Extras as stored: finite numbers only, none at all as NULL. */
export function extraJson(extra: Readonly<Record<string, number>> | undefined): string | null {
  if (extra === undefined) return null;
  const kept = Object.entries(extra).filter(([, value]) => Number.isFinite(value));
  return kept.length === 0 ? null : JSON.stringify(Object.fromEntries(kept));
}

export function parseExtra(text: string): Readonly<Record<string, number>> {
  const parsed: unknown = JSON.parse(text);
  const out: Record<string, number> = {};
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
    for (const [name, value] of Object.entries(parsed)) if (typeof value === 'number') out[name] = value;
  return out;
}

/** Parameter values in a stable order: numbers by value, then the rest by their text. */
export function compareValues(a: ParamValue, b: ParamValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function defined<T extends Record<string, number | null | undefined>>(values: T): { [K in keyof T]?: number } {
  const out: { [K in keyof T]?: number } = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    const value = values[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

export function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

export function ownedError(study: string, owner: StudyOwner | undefined, path: string): InvalidStateError {
  const who = owner === undefined ? 'another process' : `process ${owner.pid} on ${owner.host} since ${owner.since ?? 'an unknown time'}`;
  return new InvalidStateError(`study "${study}" is being run by ${who}`, undefined, { reason: 'STUDY_OWNED', study, path });
}

export function now(): string {
  return new Date().toISOString();
}

/** An epoch's metrics in the order of trial_epochs' columns after (trial_id, repeat, epoch); not finite is NULL. */
export function epochValues(metrics: EpochMetrics): (number | string | null)[] {
  return [
    finiteOrNull(metrics.trainLoss),
    finiteOrNull(metrics.trainAccuracy),
    finiteOrNull(metrics.valLoss),
    finiteOrNull(metrics.valAccuracy),
    finiteOrNull(metrics.learningRate),
    finiteOrNull(metrics.epochSeconds),
    finiteOrNull(metrics.mutualInformation),
    extraJson(metrics.extra),
  ];
}

export interface SegmentRow {
  number: number;
  from_epoch: number;
  params: string;
  parent: number | null;
}

export function toSegment(row: SegmentRow): SegmentRecord {
  return {
    trial: row.number,
    fromEpoch: row.from_epoch,
    params: JSON.parse(row.params) as ParamValues,
    ...(row.parent !== null && { parent: row.parent }),
  };
}

/** The row of a trial `attempt` may still write to: refused when a later attempt took it over or it has ended. */
export function checkRunning(row: TrialRow, attempt: number): TrialRow {
  if (row.attempt !== attempt) throw new StaleAttemptError(row.number, attempt, row.attempt);
  if (row.state !== 'RUNNING')
    throw new InvalidStateError(`trial ${row.number} is ${row.state}; it can no longer be changed by attempt ${attempt}`);
  return row;
}

/** A trial id the store does not hold (ids come from the store itself: a stale or foreign one). */
export function noSuchTrial(trialId: number, path: string): NotFoundError {
  return new NotFoundError(`no trial with id ${trialId} in ${path}`);
}

export function noSuchStudy(name: string, path: string): NotFoundError {
  return new NotFoundError(`no study named "${name}" in ${path}`, undefined, { reason: 'NO_SUCH_STUDY', study: name, path });
}
