import type { EpochMetrics } from './metrics.js';

/** What a run reports after each epoch. */
export interface EpochReport {
  /** 1-based. */
  readonly epoch: number;
  readonly metrics: EpochMetrics;
}

/**
 * How a run ended, as the worker saw it. `log` is the end of what the run printed (a command
 * task's stdout and stderr, bounded; see LOG_TAIL_BYTES): the store keeps it with the repeat.
 */
export type RunOutcome = (
  | { readonly status: 'finished'; readonly epochs: number; readonly trainSeconds: number; readonly test?: TestEvaluation }
  /** The loss became NaN or infinite: the configuration cannot be trained. */
  | { readonly status: 'diverged'; readonly epoch: number; readonly reason: string; readonly trainSeconds: number }
  /** The coordinator asked the run to stop (pruned, or the sweep is shutting down). */
  | { readonly status: 'stopped'; readonly epochs: number; readonly trainSeconds: number; readonly test?: TestEvaluation }
  /** Anything else went wrong (a bug, a crashed thread, missing data, a program that failed). */
  | { readonly status: 'error'; readonly message: string }
) & { readonly log?: string };

/** The most of a run's output an outcome carries: its last lines, enough to see why it failed. */
export const LOG_TAIL_BYTES = 16 * 1024;

/**
 * A trained model's evaluation on the test set, with the weights of its best epoch by the
 * objective (the model a user would keep, as reference report 004 selects it).
 */
export interface TestEvaluation {
  /** The epoch whose weights were evaluated. */
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  /**
   * confusion[actual][predicted]: how many test examples of class `actual` got `predicted`.
   * Absent when the run did not report one (a user's own program gives only accuracy and loss).
   */
  readonly confusion?: readonly (readonly number[])[];
}
