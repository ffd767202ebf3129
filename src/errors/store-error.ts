import type { StoreFailure } from './error-facts.js';
import { SweeperError, type SweeperErrorCode } from './sweeper-error.js';

export type { StoreFailure } from './error-facts.js';

/**
 * The code says what a caller can do about it. A full disk, a lock or an I/O error can pass
 * (UNAVAILABLE: a worker keeps its report and retries); a damaged file does not mend itself
 * (DATA_LOSS); a read-only file, a wrong path or an old schema are the user's to fix (exit 2).
 */
const CODE_OF: Record<StoreFailure, SweeperErrorCode> = {
  DISK_FULL: 'UNAVAILABLE',
  LOCKED: 'UNAVAILABLE',
  IO_ERROR: 'UNAVAILABLE',
  DAMAGED: 'DATA_LOSS',
  READ_ONLY: 'FAILED_PRECONDITION',
  NEEDS_UPGRADE: 'FAILED_PRECONDITION',
  NOT_A_STORE: 'INVALID_ARGUMENT',
  CANNOT_OPEN: 'INVALID_ARGUMENT',
};

/**
 * A trial store that cannot be used as asked; the message names the file and what happened.
 * It gives no advice: the failure and the path are its facts, from which the CLI chooses a hint.
 */
export class StoreError extends SweeperError {
  constructor(
    readonly failure: StoreFailure,
    readonly path: string,
    message: string,
  ) {
    super(CODE_OF[failure], message, undefined, { reason: failure, path });
    this.name = 'StoreError';
  }
}
