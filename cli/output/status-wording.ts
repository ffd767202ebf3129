import { counted } from './counted.js';

/** `1 worker, 0/1 thread busy`, `2 workers, 3/6 threads busy`. */
export function workersSummary(workers: readonly { readonly threads: number; readonly busy: number }[]): string {
  const busy = workers.reduce((n, w) => n + w.busy, 0);
  const threads = workers.reduce((n, w) => n + w.threads, 0);
  return `${counted(workers.length, 'worker')}, ${busy}/${counted(threads, 'thread')} busy`;
}
