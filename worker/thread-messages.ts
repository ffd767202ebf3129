import type { MessagePort } from 'node:worker_threads';
import type { DatasetSplit } from '../src/datasets/dataset-split.js';
import type { EpochReport, RunOutcome } from '../src/core/run-report.js';
import type { RunAssignment } from '../src/execution/run-assignment.js';
import type { BackendPreference } from '../src/training/tf-backend.js';
import type { TrainingTask } from '../src/training/training-task.js';

/** What the pool hands a thread for one run. Typed arrays over SharedArrayBuffers are shared, not copied. */
export interface ThreadTask {
  readonly assignment: RunAssignment & { readonly task: TrainingTask };
  readonly split: DatasetSplit;
  /** Set to 1 by the pool to stop the run after the current batch. */
  readonly stopFlag: Int32Array;
  /**
   * The last epoch whose report the pool has answered (stored, and decided on by the pruner and
   * early-stopping rule), set before it notifies. The thread waits for it after each epoch (see
   * train-thread.ts, ANSWER_WAIT_MS), so a decision to stop takes effect at the epoch it was made for.
   */
  readonly answered: Int32Array;
  /** The bytes of the checkpoint the run goes on from (`assignment.checkpoint.resume`). */
  readonly resume?: Uint8Array;
  readonly port: MessagePort;
}

/**
 * Sent by the thread on the task's port. The outcome travels on the same port as the epochs
 * so that it can never overtake the last epoch report.
 */
export type ThreadMessage =
  | { readonly type: 'epoch'; readonly report: EpochReport }
  /** A checkpoint's bytes (checkpoint-codec.ts), after the epoch report it follows. */
  | { readonly type: 'checkpoint'; readonly epoch: number; readonly data: Uint8Array; readonly sha256: string }
  | { readonly type: 'done'; readonly outcome: RunOutcome };

export interface ThreadOptions {
  readonly backend: BackendPreference;
}
