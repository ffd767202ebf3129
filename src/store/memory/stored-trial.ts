import type { ParamValues } from '../../space/param-spec.js';
import type { TrialState } from '../../core/trial-state.js';
import type { EpochRecord, RepeatResult, TrialRecord, TrialResult } from '../records.js';
import type { CheckpointRecord } from '../checkpoints/checkpoint-record.js';
import type { SegmentRecord } from '../segments.js';

/**
 * A trial as the in-memory store holds it: what the SQLite store keeps in its rows, values as
 * they would read back (non-finite metrics absent, parameters through JSON).
 */
export interface StoredTrial {
  readonly id: number;
  readonly studyId: number;
  readonly number: number;
  state: TrialState;
  attempt: number;
  lostAttempts: number;
  worker?: string;
  readonly queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  reason?: string;
  readonly params: ParamValues;
  result?: TrialResult;
  /** By `${repeat}:${epoch}`. */
  readonly epochs: Map<string, EpochRecord>;
  readonly repeats: Map<number, RepeatResult>;
  /** RunOutcome.log by repeat. */
  readonly logs: Map<number, string>;
  /** The latest checkpoint by repeat, with the name of its bytes. */
  readonly checkpoints: Map<number, CheckpointRecord & { readonly file: string }>;
  /** PBT's segments of the member by first epoch, each with its parent's trial number. */
  readonly segments: Map<number, Omit<SegmentRecord, 'trial'>>;
}

/** A fresh record of the trial: what a caller gets never aliases the store's own state. */
export function trialRecord(trial: StoredTrial): TrialRecord {
  return {
    id: trial.id,
    studyId: trial.studyId,
    number: trial.number,
    state: trial.state,
    attempt: trial.attempt,
    lostAttempts: trial.lostAttempts,
    params: { ...trial.params },
    queuedAt: trial.queuedAt,
    ...(trial.worker !== undefined && { worker: trial.worker }),
    ...(trial.startedAt !== undefined && { startedAt: trial.startedAt }),
    ...(trial.finishedAt !== undefined && { finishedAt: trial.finishedAt }),
    ...(trial.reason !== undefined && { reason: trial.reason }),
    ...(trial.result !== undefined && { result: { ...trial.result } }),
  };
}

/** Epochs by repeat, then epoch. */
export function sortedEpochs(trial: StoredTrial): EpochRecord[] {
  return [...trial.epochs.values()]
    .sort((a, b) => a.repeat - b.repeat || a.epoch - b.epoch)
    .map((epoch) => ({ ...epoch, ...(epoch.extra && { extra: { ...epoch.extra } }) }));
}

/** The epoch a trial is at: the last one recorded while it runs, its result's epochs once finished (TrialPageRow.currentEpoch). */
export function currentEpoch(trial: StoredTrial): number | null {
  if (trial.state !== 'RUNNING') return trial.result?.epochs ?? null;
  let last: number | null = null;
  for (const { epoch } of trial.epochs.values()) last = last === null ? epoch : Math.max(last, epoch);
  return last;
}

/** A number as a store keeps a metric: a non-finite one is not kept. */
export function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** A value through JSON, as a store that keeps JSON text gives it back. */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
