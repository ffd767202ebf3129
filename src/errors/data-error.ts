import { SweeperError } from './sweeper-error.js';

/** A dataset that is missing or unreadable; the message names the path and what was wrong. */
export class DataError extends SweeperError {
  constructor(message: string, hint?: string) {
    super('DATA_ERROR', message, hint);
    this.name = 'DataError';
  }
}
