import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';

/** What a run has seen so far, all oldest first; a schedule reads it and keeps no state of its own. */
export interface ScheduleHistory {
  /** The learning rate each finished epoch trained with. */
  readonly learningRates: readonly number[];
  /**
   * IHYLL estimates in nats, in the order measured; the last is IHYLL_{t-1} of the epoch being
   * planned and the one before it IHYLL_{t-2}. Only the MI policies read it.
   */
  readonly ihyll: readonly number[];
  /** I(X;Y) of the input data and labels in nats, measured once before training; mi_ixy reads it. */
  readonly ixy?: number;
}

export const EMPTY_HISTORY: ScheduleHistory = { learningRates: [], ihyll: [] };

/**
 * A learning-rate schedule: the training loop asks it for each epoch's rate before the epoch
 * starts. Being a function of the epoch and the history makes a schedule resumable from a
 * checkpoint and testable without training anything.
 */
export interface LearningRateSchedule {
  /** What the loop must measure for it: IHYLL after every epoch, IXY once before the first. */
  readonly measures: { readonly ihyll: boolean; readonly ixy: boolean };
  /** The learning rate of `epoch` (1-based). */
  learningRateFor(epoch: number, history: ScheduleHistory): number;
}

export const MEASURES_NOTHING = { ihyll: false, ixy: false } as const;

export function checkEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 1) throw new InvalidArgumentError(`epoch must be an integer >= 1, but got ${epoch}`);
}
