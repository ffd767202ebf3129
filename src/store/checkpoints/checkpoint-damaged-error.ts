import { SweeperError } from '../../errors/sweeper-error.js';

/** A stored checkpoint whose bytes are gone or not what was stored: the run starts without it. */
export class CheckpointDamagedError extends SweeperError {
  constructor(message: string) {
    super('DATA_LOSS', message);
    this.name = 'CheckpointDamagedError';
  }
}
