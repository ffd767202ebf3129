import { Worker } from 'node:worker_threads';
import { DataError } from '../src/errors/data-error.js';
import { SweeperError } from '../src/errors/sweeper-error.js';
import type { DatasetSpec } from '../src/datasets/dataset-spec.js';
import type { DatasetCheckOutcome } from './dataset-check-thread.js';

/** Checks a submitted sweep's dataset files; rejects with the error to refuse the submit with. */
export type DatasetChecker = (spec: DatasetSpec, signal?: AbortSignal) => Promise<void>;

export interface ThreadDatasetCheckerOptions {
  /** A check still running after this long is given up (default 5 s). */
  readonly timeoutMs?: number;
  /** Checks whose threads are still alive at once, at most (default 4). */
  readonly maxInFlight?: number;
  /** The thread's script; tests pass one that never ends. */
  readonly threadUrl?: URL;
}

const THREAD_URL = new URL('./dataset-check-thread.js', import.meta.url);

function describe(spec: DatasetSpec): string {
  const files = Object.values(spec.files ?? {}).flat() as (string | undefined)[];
  return [spec.dir, ...files].filter((path): path is string => path !== undefined).join(', ') || spec.name;
}

/**
 * Runs each check in a worker thread of its own, so a path that blocks (a hung network file
 * system) blocks neither the event loop nor libuv's shared pool. At most `maxInFlight` threads
 * live at once; further checks wait their turn (bounded by the submit's deadline, through its
 * signal), since sweeps are often submitted many at once. A check past its time is refused and
 * its thread terminated; a thread stuck in a system call only ends when the call returns, so it
 * keeps its slot until then, and once every slot is held by such a thread, checks are refused at
 * once as unavailable rather than queued behind them: stuck checks cannot pile up.
 */
export function threadDatasetChecker(options: ThreadDatasetCheckerOptions = {}): DatasetChecker {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxInFlight = options.maxInFlight ?? 4;
  const threadUrl = options.threadUrl ?? THREAD_URL;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
    throw new TypeError(`options.maxInFlight must be a positive integer, but got ${maxInFlight}`);
  if (!(timeoutMs > 0)) throw new TypeError(`options.timeoutMs must be positive, but got ${timeoutMs}`);
  let alive = 0;
  let stuck = 0;
  const waiting: { readonly start: () => void; readonly refuse: (error: Error) => void }[] = [];

  const allStuck = (): SweeperError =>
    new SweeperError(
      'UNAVAILABLE',
      `the coordinator's ${stuck} dataset checks are all stuck past their time: try again shortly`,
      'a dataset path may be on a hung file system',
    );
  const cancelled = (signal: AbortSignal | undefined): Error =>
    signal?.reason instanceof Error ? signal.reason : new Error('the dataset check was cancelled');

  const run = (spec: DatasetSpec, signal: AbortSignal | undefined): Promise<void> => {
    alive += 1;
    let timedOut = false;
    const worker = new Worker(threadUrl, { workerData: spec });
    worker.once('exit', () => {
      alive -= 1;
      if (timedOut) stuck -= 1;
      waiting.shift()?.start();
    });
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stuck += 1;
        if (stuck >= maxInFlight) for (const waiter of waiting.splice(0)) waiter.refuse(allStuck());
        settle(new DataError(`checking ${describe(spec)} took longer than ${timeoutMs / 1000} s: is it on a hung file system?`));
      }, timeoutMs);
      const onAbort = (): void => settle(cancelled(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (outcome: DatasetCheckOutcome) => {
        if (outcome.ok) settle();
        else if (outcome.name === 'DataError') settle(new DataError(outcome.message));
        else settle(new Error(outcome.message));
      });
      worker.once('error', (error) => settle(error));
      worker.once('exit', (code) => settle(new Error(`the dataset check thread exited with code ${code} before answering`)));
    });
  };

  return (spec, signal) => {
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    if (stuck >= maxInFlight) return Promise.reject(allStuck());
    if (alive < maxInFlight) return run(spec, signal);
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        start: (): void => {
          signal?.removeEventListener('abort', onAbort);
          run(spec, signal).then(resolve, reject);
        },
        refuse: (error: Error): void => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        reject(cancelled(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(waiter);
    });
  };
}
