import type { RunEnd } from './run-assignment.js';

/**
 * The reason an AbortSignal carries when a run is given up rather than stopped: its attempt is
 * over (it reported no epoch within `run_timeout`, or its worker dropped it), so nobody waits for
 * it to answer, which it may never do. The executor ends it at once as 'lost' with this reason and
 * stops it in the background (a thread that will not stop is terminated).
 */
export class Abandonment {
  constructor(readonly reason: string) {}
}

export function abandonmentOf(signal: AbortSignal): Abandonment | undefined {
  return signal.aborted && signal.reason instanceof Abandonment ? signal.reason : undefined;
}

/**
 * `execution`, or a 'lost' end as soon as `signal` abandons the run, whichever comes first. The
 * execution goes on in the background (and keeps its slot) until it has really stopped.
 */
export function unlessAbandoned(execution: Promise<RunEnd>, signal: AbortSignal): Promise<RunEnd> {
  const given = abandonmentOf(signal);
  if (given) return Promise.resolve({ status: 'lost', reason: given.reason });
  return new Promise<RunEnd>((resolve, reject) => {
    const onAbort = (): void => {
      const abandonment = abandonmentOf(signal);
      if (abandonment) resolve({ status: 'lost', reason: abandonment.reason });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    execution.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
