import type { ServerUnaryCall } from '@grpc/grpc-js';
import { SweeperError } from '../src/errors/sweeper-error.js';

/**
 * An AbortSignal that fires when a unary call is cancelled or its deadline passes: the client has
 * given up, so work done for it after that (creating a study) would be done for no one, and
 * behind its back. `dispose` clears the deadline's timer once the call is answered.
 */
export function callSignal(call: ServerUnaryCall<unknown, unknown>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = (why: string): void => {
    if (!controller.signal.aborted)
      controller.abort(new SweeperError('UNAVAILABLE', `the call was ${why} before it was done: nothing was changed`));
  };
  const onCancelled = (): void => abort('cancelled by the client, or its deadline passed,');
  call.on('cancelled', onCancelled);
  if (call.cancelled) onCancelled();
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  let timer: NodeJS.Timeout | undefined;
  if (Number.isFinite(at)) timer = setTimeout(() => abort('past its deadline'), Math.max(0, at - Date.now()));
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      call.off('cancelled', onCancelled);
    },
  };
}
