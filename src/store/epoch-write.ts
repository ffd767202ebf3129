import type { EpochMetrics } from '../core/metrics.js';

/** One epoch's metrics of a running attempt, as TrialStore.recordEpoch receives them. */
export interface EpochWrite {
  readonly trialId: number;
  readonly attempt: number;
  readonly repeat: number;
  readonly epoch: number;
  readonly metrics: EpochMetrics;
}

/**
 * The most epochs stored together (GroupCommit): 11 parameters each stays far under
 * PostgreSQL's 65,535 per statement, and a batch's transaction stays short.
 */
export const MAX_EPOCH_BATCH = 500;
