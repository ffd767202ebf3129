import type { Direction } from '../core/direction.js';
import type { RunOutcome } from '../core/run-report.js';
import type { ParamValues } from '../space/param-spec.js';
import type { SweepTask } from './sweep-task.js';

/**
 * One unit of work: one repeat (seed) of one trial. It carries everything a worker needs, so a
 * worker resolves the dataset itself and needs nothing else from the coordinator.
 */
export interface RunAssignment {
  readonly study: string;
  readonly trialNumber: number;
  /** The trial's attempt; reports from an older attempt are refused. */
  readonly attempt: number;
  readonly repeat: number;
  /** Seeds weight initialisation and the per-epoch shuffles of this repeat. */
  readonly seed: number;
  readonly params: ParamValues;
  readonly task: SweepTask;
  readonly objective: { readonly metric: string; readonly direction: Direction };
  /** Checkpoints of the run's whole state (built-in training); absent: the run saves none. */
  readonly checkpoint?: CheckpointPlan;
}

/** When a run saves its state, and the state it goes on from. */
export interface CheckpointPlan {
  /** A checkpoint after every `every`-th epoch, and after the epoch at which the run is stopped. */
  readonly every: number;
  /** A checkpoint after the last epoch too: the final model is kept (`checkpoint.keep`). */
  readonly final: boolean;
  /**
   * The latest checkpoint of this repeat (an earlier attempt's): the run goes on from it. Its
   * bytes come from the run's listener (RunListener.loadCheckpoint), on demand: an assignment
   * travels to a worker, a checkpoint's megabytes only to the one that runs it.
   */
  readonly resume?: ResumePoint;
  /**
   * The run stops after this epoch, with a checkpoint, as if told to stop at its end: a decision
   * point of Population Based Training. Built-in training stops there without waiting for the
   * epoch's decision (which would reach it within the next epoch).
   */
  readonly stopAfter?: number;
  /**
   * The checkpoint to go on from is another member's (PBT's exploit): the best epoch it carries is
   * not this run's, which looks for its best epoch (whose weights the test set sees) from there on.
   */
  readonly freshBest?: boolean;
}

/** What a checkpoint's bytes are, so that whoever receives them can check them. */
export interface ResumePoint {
  /** The epoch after which it was taken (1-based). */
  readonly epoch: number;
  readonly bytes: number;
  /** SHA-256 of the bytes, hex. */
  readonly sha256: string;
}

/** A checkpoint's bytes (see checkpoint-codec.ts) with the epoch after which it was taken. */
export interface StoredCheckpoint {
  readonly epoch: number;
  /** SHA-256 of `data`, hex. */
  readonly sha256: string;
  readonly data: Uint8Array;
}

/**
 * How a run ended as the coordinator sees it: the worker's outcome, or no outcome at all because
 * the worker running it was lost (its lease expired, nobody took it back after a restart), or it
 * handed the run back unasked (it is shutting down). A lost run counts against the trial's
 * attempts; a handed-back one does not.
 */
export type RunEnd = RunOutcome | { readonly status: 'lost' | 'handed-back'; readonly reason: string };

/** Names one run of one attempt; the attempt is what fencing compares. */
export interface RunKey {
  readonly study: string;
  readonly trialNumber: number;
  readonly attempt: number;
  readonly repeat: number;
}

/** Identifies a run across attempts: two attempts of the same repeat share it. */
export function repeatId(key: Omit<RunKey, 'attempt'>): string {
  return `${key.study}#${key.trialNumber}.${key.repeat}`;
}

/** Identifies one attempt of a run: the unit a worker holds and the coordinator fences. */
export function runId(key: RunKey): string {
  return `${repeatId(key)}@${key.attempt}`;
}

export function describeRun(key: RunKey): string {
  return `trial ${key.trialNumber} of study "${key.study}" (attempt ${key.attempt}, repeat ${key.repeat})`;
}

/** The coordinator's answer to each epoch report. */
export type EpochDecision = 'continue' | 'stop';
