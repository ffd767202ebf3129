import { SweeperError } from './sweeper-error.js';

/** A state change that the trial lifecycle forbids, e.g. touching a COMPLETE trial. */
export class InvalidStateError extends SweeperError {
  constructor(message: string, hint?: string) {
    super('FAILED_PRECONDITION', message, hint);
    this.name = 'InvalidStateError';
  }
}
