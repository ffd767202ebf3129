import type { ErrorFacts } from './error-facts.js';

/**
 * Codes let callers (the CLI, and later the gRPC boundary) branch on the kind of failure
 * structurally, instead of matching message text.
 */
export type SweeperErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'STALE_ATTEMPT'
  | 'DATA_ERROR'
  | 'OUT_OF_RANGE'
  | 'UNAUTHENTICATED'
  | 'UNAVAILABLE'
  | 'DATA_LOSS';

export class SweeperError extends Error {
  constructor(
    readonly code: SweeperErrorCode,
    message: string,
    /** A next step for the user, printed by the CLI under the message. */
    readonly hint?: string,
    /** What the error is about, for a front end to choose its own advice (errors of the store carry no hint). */
    readonly facts?: ErrorFacts,
  ) {
    super(message);
    this.name = 'SweeperError';
  }
}
