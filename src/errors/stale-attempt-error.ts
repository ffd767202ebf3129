import { SweeperError } from './sweeper-error.js';

/**
 * A write from an attempt that is no longer the trial's current one (fencing): it must never
 * overwrite what the current attempt recorded.
 */
export class StaleAttemptError extends SweeperError {
  constructor(
    readonly trialNumber: number,
    readonly attempt: number,
    readonly currentAttempt: number,
  ) {
    super('STALE_ATTEMPT', `trial ${trialNumber}: attempt ${attempt} is stale, the current attempt is ${currentAttempt}`);
    this.name = 'StaleAttemptError';
  }
}
