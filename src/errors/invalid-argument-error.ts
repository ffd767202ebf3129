import { SweeperError } from './sweeper-error.js';

/** A bad value passed to the library API or the CLI, named with what was expected. */
export class InvalidArgumentError extends SweeperError {
  constructor(message: string, hint?: string) {
    super('INVALID_ARGUMENT', message, hint);
    this.name = 'InvalidArgumentError';
  }
}
