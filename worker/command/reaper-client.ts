import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The executor's side of the reaper (reaper.ts): started on first use, told about each process
 * group, closed with the executor. It is unref'd so that it never keeps the worker alive.
 */
export class ReaperClient {
  private child: ChildProcess | undefined;

  register(pgid: number, graceMs: number): void {
    this.send(`+${pgid} ${Math.ceil(graceMs)}\n`);
  }

  unregister(pgid: number): void {
    this.send(`-${pgid}\n`);
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
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'ignore', 'inherit'], detached: true });
    // A reaper that died (or failed to start) must not crash the worker through its pipe.
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }
}
