import type { ParamValues } from '../space/param-spec.js';
import type { EpochMetrics } from '../store/records.js';
import type { Direction } from '../study/study-definition.js';
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
}

export interface EpochReport {
  /** 1-based. */
  readonly epoch: number;
  readonly metrics: EpochMetrics;
}

/** How a run ended, as the worker saw it. */
export type RunOutcome =
  | { readonly status: 'finished'; readonly epochs: number; readonly trainSeconds: number }
  /** The loss became NaN or infinite: the configuration cannot be trained. */
  | { readonly status: 'diverged'; readonly epoch: number; readonly reason: string; readonly trainSeconds: number }
  /** The coordinator asked the run to stop (pruned, or the sweep is shutting down). */
  | { readonly status: 'stopped'; readonly epochs: number; readonly trainSeconds: number }
  /** Anything else went wrong (a bug, a crashed thread, missing data). */
  | { readonly status: 'error'; readonly message: string };

/** The coordinator's answer to each epoch report. */
export type EpochDecision = 'continue' | 'stop';
