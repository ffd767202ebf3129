import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SweepRequest } from './stray-processes.js';

/**
 * The executor's side of the reaper (reaper.ts): started before the first run, closed with the executor.
 * It is unref'd so that it never keeps the worker alive. Where runs' processes can be found by
 * their mark (Linux), it is told only the longest grace, once per new longest: a message per run
 * woke the reaper and cost the worker half a millisecond of its event loop per run.
 */
export class ReaperClient {
  private child: ChildProcess | undefined;
  private graceMs = -1;

  /** `token`: this worker's runs' marks (run-marks.ts); `findable`: whether the reaper can find them. */
  constructor(
    private readonly token: string,
    private readonly findable: boolean,
  ) {}

  /** Starts the reaper if it is not running yet: called before each run's spawn. */
  ensureStarted(): void {
    this.start();
  }

  /** A run's group has started; its grace is the longest the reaper may have to wait. */
  register(pgid: number, graceMs: number): void {
    const grace = Math.ceil(graceMs);
    if (grace > this.graceMs) {
      this.graceMs = grace;
      this.send(`grace ${grace}\n`);
    }
    if (!this.findable) this.send(`+${pgid}\n`);
  }

  unregister(pgid: number): void {
    if (!this.findable) this.send(`-${pgid}\n`);
  }

  /** Kill the strays of runs numbered up to `last` that are not `live` (stray-processes.ts). */
  sweep(request: SweepRequest): void {
    this.send(`sweep ${request.last} ${request.live.join(',')}\n`);
  }

  /** Ends the reaper once every run has ended (it then has nothing to reap and exits). */
  close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      // Unref'd so far: waiting for its exit must hold the event loop open.
      child.ref();
      child.once('exit', () => resolve());
      child.stdin?.end();
    });
  }

  private send(line: string): void {
    const stdin = this.start().stdin;
    if (stdin !== null && !stdin.destroyed) stdin.write(line);
  }

  private start(): ChildProcess {
    if (this.child !== undefined) return this.child;
    const script = fileURLToPath(new URL('./reaper.js', import.meta.url));
    // Detached too: a signal to the worker's whole process group must not take the reaper first.
    const child = spawn(process.execPath, [script, this.token], { stdio: ['pipe', 'ignore', 'inherit'], detached: true });
    // A reaper that died (or failed to start) must not crash the worker through its pipe.
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }
}
