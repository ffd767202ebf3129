import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { SweeperError, type SweeperErrorCode } from '../errors/sweeper-error.js';

/** Domain errors become wire errors here and only here. */
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
};

/** The metadata key that carries a SweeperError's hint to the client. */
const HINT_KEY = 'sweeper-hint';

export function statusOf(error: unknown): status {
  return error instanceof SweeperError ? STATUS_OF[error.code] : status.INTERNAL;
}

export function toServiceError(error: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (error instanceof SweeperError && error.hint) metadata.set(HINT_KEY, error.hint);
  const details = error instanceof SweeperError ? error.message : `internal error: ${(error as Error).message}`;
  return { code: statusOf(error), details, metadata };
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
};

/** A coordinator's error as the CLI reports it: its message and hint, under the matching code. */
export function fromServiceError(error: unknown, address: string): Error {
  const serviceError = error as Partial<ServiceError>;
  if (error instanceof SweeperError || typeof serviceError.code !== 'number') return error as Error;
  const code = CODE_OF[serviceError.code];
  if (code === 'UNAVAILABLE') {
    return new SweeperError(code, `cannot reach the coordinator at ${address}: ${serviceError.details ?? 'no answer'}`, 'check that `sweeper coordinator` runs there, and the address, TLS and token options');
  }
  if (code === undefined) return new Error(`the coordinator at ${address} failed: ${serviceError.details ?? serviceError.message ?? ''}`);
  return new SweeperError(code, serviceError.details ?? 'refused', hintOf(serviceError as ServiceError));
}
