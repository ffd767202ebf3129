import { SweeperError } from './sweeper-error.js';

/** A call without the shared token the coordinator was started with. */
export class UnauthenticatedError extends SweeperError {
  constructor(message: string, hint?: string) {
    super('UNAUTHENTICATED', message, hint);
    this.name = 'UnauthenticatedError';
  }
}
