import type { CheckpointBlobs } from '../checkpoints/checkpoint-blobs.js';
import type { Transaction } from './sql-transaction.js';

/**
 * A store whose tables can be read and written directly, in one transaction: for what copies
 * whole studies, rows and checkpoints' bytes, between stores of either kind (sweeper migrate).
 */
export interface RawStore {
  /** Where the store is, as it may be shown (a database URL without its password). */
  readonly path: string;
  /** Its checkpoints' bytes, named as the rows of trial_checkpoints name them. */
  readonly blobs: CheckpointBlobs;
  rawTransaction<T>(use: 'read' | 'write', fn: (tx: Transaction) => Promise<T>): Promise<T>;
}
