import { SweeperError } from './sweeper-error.js';

export class NotFoundError extends SweeperError {
  constructor(message: string, hint?: string) {
    super('NOT_FOUND', message, hint);
    this.name = 'NotFoundError';
  }
}
