import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { startCli, type CliOutput, type CliResult } from './cli-process.js';
import { until } from './until.js';

const alive = new Set<SweeperProcess>();
// A test that failed part-way leaves its processes running: they are killed when the file ends,
// and what they printed is shown, as it usually says why the test failed.
after(() => {
  for (const proc of alive) proc.kill();
});

/**
 * A long-running `sweeper` command (run, coordinator, worker, dashboard) started through
 * bin/sweeper.js as a user types it, watched through its output and stopped with a signal as a
 * user would stop it.
 */
export class SweeperProcess {
  readonly done: Promise<CliResult>;
  private readonly child: ChildProcess;
  private readonly output: CliOutput;

  constructor(
    readonly name: string,
    readonly args: readonly string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    const started = startCli(args, options);
    this.child = started.child;
    this.output = started.output;
    this.done = started.done;
    alive.add(this);
    void this.done.then(
      () => alive.delete(this),
      () => alive.delete(this),
    );
  }

  get stdout(): string {
    return this.output.stdout;
  }

  get stderr(): string {
    return this.output.stderr;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first match of `pattern` on its standard output; fails as soon as it exits without printing it. */
  waitForOutput(pattern: RegExp, signal: AbortSignal): Promise<RegExpExecArray> {
    return until(() => pattern.exec(this.stdout) ?? undefined, {
      what: `${this.name} to print ${pattern}`,
      signal,
      check: () => this.assertRunning(`before printing ${pattern}`),
    });
  }

  /** Throws, with what it printed, if it has exited. */
  assertRunning(when = ''): void {
    if (!this.running) throw new Error(`${this.name} exited ${when}\n${this.tail()}`);
  }

  /** Its JSON log lines (pino writes them to standard error when there is no --log-file). */
  logLines(): Record<string, unknown>[] {
    return this.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** Sends `signal` (SIGINT is what Ctrl-C sends) and waits for it to exit. */
  async stop(signal: NodeJS.Signals): Promise<CliResult> {
    if (this.running) this.child.kill(signal);
    return this.done;
  }

  /** The end of its output, for a failure message. */
  tail(lines = 20): string {
    const last = (text: string): string => text.trimEnd().split('\n').slice(-lines).join('\n');
    const state = this.running ? 'running' : `exited ${this.child.exitCode ?? this.child.signalCode}`;
    return `--- ${this.name} (sweeper ${this.args.join(' ')}; pid ${this.pid}, ${state})\nstdout:\n${last(this.stdout)}\nstderr:\n${last(this.stderr)}`;
  }

  /** SIGKILL if it still runs, showing what it printed: for a test that did not get to stop it. */
  kill(): void {
    if (!this.running) return;
    console.log(`${this.name} was still running at the end of its test: killed.\n${this.tail()}`);
    this.child.kill('SIGKILL');
  }
}
