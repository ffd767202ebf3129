import { SweeperError } from './sweeper-error.js';

export class AlreadyExistsError extends SweeperError {
  constructor(message: string, hint?: string) {
    super('ALREADY_EXISTS', message, hint);
    this.name = 'AlreadyExistsError';
  }
}
