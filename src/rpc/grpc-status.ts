import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { parseErrorFacts, type ErrorFacts } from '../errors/error-facts.js';
import { SweeperError, type SweeperErrorCode } from '../errors/sweeper-error.js';
import { connectionFailure } from './connection-failure.js';

/**
 * Domain errors become wire errors here and only here, and wire errors domain errors; whether a
 * worker tries a failed call again is decided beside it, in call-failure.ts.
 */
const STATUS_OF: Record<SweeperErrorCode, status> = {
  INVALID_CONFIG: status.INVALID_ARGUMENT,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  STALE_ATTEMPT: status.FAILED_PRECONDITION,
  DATA_ERROR: status.FAILED_PRECONDITION,
  OUT_OF_RANGE: status.OUT_OF_RANGE,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  UNAVAILABLE: status.UNAVAILABLE,
  DATA_LOSS: status.DATA_LOSS,
};

/**
 * A refusal of one event in a batch of reports (the batch itself succeeds): the status and text
 * the worker's outbox receives for it.
 */
export function refusalOf(error: SweeperError): { code: status; message: string } {
  return { code: STATUS_OF[error.code], message: error.message };
}

/** The metadata key that carries a SweeperError's hint to the client. */
const HINT_KEY = 'sweeper-hint';
/** And its facts (JSON), from which a client chooses its own advice: a store's errors have no hint. */
const FACTS_KEY = 'sweeper-facts';

export function statusOf(error: unknown): status {
  return error instanceof SweeperError ? STATUS_OF[error.code] : status.INTERNAL;
}

export function toServiceError(error: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (error instanceof SweeperError && error.hint) metadata.set(HINT_KEY, error.hint);
  if (error instanceof SweeperError && error.facts) metadata.set(FACTS_KEY, JSON.stringify(error.facts));
  const details = error instanceof SweeperError ? error.message : `internal error: ${(error as Error).message}`;
  return { code: statusOf(error), details, metadata };
}

/** The facts a coordinator attached to an error, if any (and well formed). */
function factsOf(error: Partial<ServiceError>): ErrorFacts | undefined {
  const [facts] = error.metadata?.get(FACTS_KEY) ?? [];
  return typeof facts === 'string' ? parseErrorFacts(facts) : undefined;
}

/** The hint a coordinator attached to an error, if any. */
export function hintOf(error: ServiceError): string | undefined {
  const [hint] = error.metadata?.get(HINT_KEY) ?? [];
  return typeof hint === 'string' ? hint : undefined;
}

const CODE_OF: Partial<Record<status, SweeperErrorCode>> = {
  [status.INVALID_ARGUMENT]: 'INVALID_ARGUMENT',
  [status.NOT_FOUND]: 'NOT_FOUND',
  [status.ALREADY_EXISTS]: 'ALREADY_EXISTS',
  [status.FAILED_PRECONDITION]: 'FAILED_PRECONDITION',
  [status.OUT_OF_RANGE]: 'OUT_OF_RANGE',
  [status.UNAUTHENTICATED]: 'UNAUTHENTICATED',
  [status.UNAVAILABLE]: 'UNAVAILABLE',
  [status.DEADLINE_EXCEEDED]: 'UNAVAILABLE',
  [status.RESOURCE_EXHAUSTED]: 'INVALID_ARGUMENT',
  [status.DATA_LOSS]: 'DATA_LOSS',
};

/**
 * A coordinator's error as the CLI reports it: its message and hint, under the matching code; or,
 * for a call that did not reach one, what was tried and what to check (connectionFailure).
 * `command` (`submit`, `status`, `worker`) is named in the hint of a refused token: the
 * coordinator cannot know which command called it.
 */
export function fromServiceError(error: unknown, address: string, command?: string): Error {
  const reported = reportedError(error, address);
  if (command === undefined || !(reported instanceof SweeperError) || reported.code !== 'UNAUTHENTICATED') return reported;
  return new SweeperError(
    'UNAUTHENTICATED',
    reported.message,
    `give \`sweeper ${command}\` --token-file naming the coordinator's token (or set SWEEPER_TOKEN_FILE)`,
  );
}

function reportedError(error: unknown, address: string): Error {
  const serviceError = error as Partial<ServiceError>;
  if (error instanceof SweeperError || typeof serviceError.code !== 'number') return error as Error;
  const details = serviceError.details ?? '';
  // A coordinator's own errors carry its hint or their facts; a server that is not gRPC answers with an HTTP status.
  const unreached =
    serviceError.code === status.UNAVAILABLE ||
    serviceError.code === status.DEADLINE_EXCEEDED ||
    details.startsWith('Received HTTP status code');
  if (unreached && hintOf(serviceError as ServiceError) === undefined && factsOf(serviceError) === undefined)
    return connectionFailure(address, details, serviceError.code === status.DEADLINE_EXCEEDED);
  const code = CODE_OF[serviceError.code];
  if (code === undefined) return new Error(`the coordinator at ${address} failed: ${serviceError.details ?? serviceError.message ?? ''}`);
  return new SweeperError(code, serviceError.details ?? 'refused', hintOf(serviceError as ServiceError), factsOf(serviceError));
}

/**
 * A registration the coordinator refused for good (callFailure's `give-up` for `register`:
 * FAILED_PRECONDITION, UNAUTHENTICATED, INVALID_ARGUMENT or PERMISSION_DENIED), as the worker
 * command reports it; PERMISSION_DENIED has no domain code of its own and counts as a precondition.
 */
export function refusedWorker(error: ServiceError): SweeperError {
  const code =
    error.code === status.UNAUTHENTICATED || error.code === status.INVALID_ARGUMENT
      ? (CODE_OF[error.code] as SweeperErrorCode)
      : 'FAILED_PRECONDITION';
  return new SweeperError(code, `the coordinator refused this worker: ${error.details}`, hintOf(error), factsOf(error));
}
