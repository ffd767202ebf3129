import type { ErrorFacts } from './error-facts.js';
import { SweeperError } from './sweeper-error.js';

/** A state change that the trial lifecycle forbids, e.g. touching a COMPLETE trial. */
export class InvalidStateError extends SweeperError {
  constructor(message: string, hint?: string, facts?: ErrorFacts) {
    super('FAILED_PRECONDITION', message, hint, facts);
    this.name = 'InvalidStateError';
  }
}
