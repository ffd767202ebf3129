import { status, type ServiceError } from '@grpc/grpc-js';

/**
 * What a worker should do when a call to the coordinator failed. One place decides, so the
 * report outbox, the heartbeat and the registration loop cannot disagree:
 * - `wait`: the coordinator is unreachable or busy (it may be restarting): try again later, for
 *   as long as it takes;
 * - `register`: the coordinator no longer knows this session (its lease expired, or it restarted);
 * - `retry`: an error that may pass (a transport hiccup, a crashed handler): try again a few
 *   times, then give up;
 * - `give-up`: the call can never succeed as it is (malformed, too large, refused): retrying
 *   would only loop.
 */
export type CallFailure = 'wait' | 'register' | 'retry' | 'give-up';

export function callFailure(error: unknown): CallFailure {
  switch ((error as Partial<ServiceError>).code) {
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
    case status.ABORTED:
      return 'wait';
    case status.NOT_FOUND:
    case status.UNAUTHENTICATED:
      return 'register';
    case status.INTERNAL:
    case status.UNKNOWN:
      return 'retry';
    default:
      return 'give-up';
  }
}
