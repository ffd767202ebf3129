import type { ErrorFacts } from './error-facts.js';
import { SweeperError } from './sweeper-error.js';

export class NotFoundError extends SweeperError {
  constructor(message: string, hint?: string, facts?: ErrorFacts) {
    super('NOT_FOUND', message, hint, facts);
    this.name = 'NotFoundError';
  }
}
