import { status, type ServiceError } from '@grpc/grpc-js';

/**
 * What a worker should do when a call to the coordinator failed. One place decides, so the
 * report outbox, the heartbeat and the registration loop cannot disagree:
 * - `wait`: the coordinator is unreachable or busy (it may be restarting): try again later, for
 *   as long as it takes;
 * - `register`: the coordinator no longer knows this session (its lease expired, or it restarted);
 * - `retry`: an error that may pass (a transport hiccup, a crashed handler): try again a few
 *   times, then give up;
 * - `split`: the reports were too large for the coordinator: send them in smaller batches (one
 *   report too large on its own can only be given up);
 * - `give-up`: the call can never succeed as it is (malformed, too large, refused): retrying
 *   would only loop.
 */
export type CallFailure = 'wait' | 'register' | 'retry' | 'split' | 'give-up';

/** The worker's calls: registering opens a session; heartbeats and reports are made within one. */
export type WorkerCall = 'register' | 'heartbeat' | 'report';

/**
 * Within a session, NOT_FOUND and UNAUTHENTICATED mean the session is gone (register again),
 * and a call that is malformed, too large or refused gives up; only reports can be split.
 */
const IN_SESSION: Readonly<Record<status, CallFailure>> = {
  [status.OK]: 'give-up',
  [status.CANCELLED]: 'wait',
  [status.UNKNOWN]: 'retry',
  [status.INVALID_ARGUMENT]: 'give-up',
  [status.DEADLINE_EXCEEDED]: 'wait',
  [status.NOT_FOUND]: 'register',
  [status.ALREADY_EXISTS]: 'give-up',
  [status.PERMISSION_DENIED]: 'give-up',
  [status.RESOURCE_EXHAUSTED]: 'give-up',
  [status.FAILED_PRECONDITION]: 'give-up',
  [status.ABORTED]: 'wait',
  [status.OUT_OF_RANGE]: 'give-up',
  [status.UNIMPLEMENTED]: 'give-up',
  [status.INTERNAL]: 'retry',
  [status.UNAVAILABLE]: 'wait',
  [status.DATA_LOSS]: 'give-up',
  [status.UNAUTHENTICATED]: 'register',
};

/**
 * Registering is refused for good only by what the coordinator says of the worker itself (a
 * protocol mismatch, a wrong token, a bad registration, no permission): registering again would
 * be refused the same way. Anything else, a session's UNAUTHENTICATED included, the worker
 * waits out and registers again (with backoff), however long it takes.
 */
const REGISTER_REFUSED: ReadonlySet<status> = new Set([
  status.FAILED_PRECONDITION,
  status.UNAUTHENTICATED,
  status.INVALID_ARGUMENT,
  status.PERMISSION_DENIED,
]);

/** What the worker does after `call` failed with `error` (a gRPC ServiceError, or anything thrown). */
export function callFailure(error: unknown, call: WorkerCall): CallFailure {
  const code = (error as Partial<ServiceError>).code;
  const known = typeof code === 'number' && code in IN_SESSION ? code : undefined;
  if (call === 'register') return known !== undefined && REGISTER_REFUSED.has(known) ? 'give-up' : 'wait';
  // Not a gRPC status (a bug in the handler's answer, say): sending it again would fail again.
  if (known === undefined) return 'give-up';
  if (call === 'report' && known === status.RESOURCE_EXHAUSTED) return 'split';
  return IN_SESSION[known];
}

/** Whether `call` may succeed if made again (now, later, after registering or in smaller parts). */
export function isRetryable(error: unknown, call: WorkerCall): boolean {
  return callFailure(error, call) !== 'give-up';
}

/** A call this process cancelled itself (a stream it closed): nothing went wrong. */
export function isCancelled(error: unknown): boolean {
  return (error as Partial<ServiceError>).code === status.CANCELLED;
}
