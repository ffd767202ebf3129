import type { ErrorFacts } from './error-facts.js';
import { SweeperError } from './sweeper-error.js';

export class AlreadyExistsError extends SweeperError {
  constructor(message: string, hint?: string, facts?: ErrorFacts) {
    super('ALREADY_EXISTS', message, hint, facts);
    this.name = 'AlreadyExistsError';
  }
}
