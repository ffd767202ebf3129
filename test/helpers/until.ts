import { setTimeout as sleep } from 'node:timers/promises';

export interface UntilOptions {
  /** What is awaited, for the message when the wait is given up. */
  readonly what: string;
  /** The test's signal (`t.signal`): it ends the wait when the test ends or times out. */
  readonly signal: AbortSignal;
  /** Runs after every round that found nothing, and throws to fail at once (a process that exited, an error it logged). */
  readonly check?: () => void;
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it gives a value. There is no deadline here, so a slow machine is never
 * mistaken for a bug: the test's own timeout bounds the wait, and its signal stops the polling.
 */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, options: UntilOptions): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    options.check?.();
    if (options.signal.aborted) throw new Error(`gave up waiting for ${options.what}: the test ended`);
    await sleep(options.intervalMs ?? 200);
  }
}
