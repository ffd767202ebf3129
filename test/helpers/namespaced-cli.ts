import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The CLI compiled next to the tests (dist/cli/ under `npm test`, or cli/ in the output folder
 * of a scratch build), so that it runs whether or not bin/sweeper.js has a dist/ to start.
 */
export const COMPILED_CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/**
 * A `sweeper` process started through a command prefix (such as `ip netns exec NS`), in its own
 * process group so that `kill` reaches it and anything it started. It keeps its output, and the
 * log file it was given, for the message of a failed assertion.
 */
export class NamespacedCli {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    prefix: readonly string[],
    args: readonly string[],
    readonly logFile?: string,
  ) {
    const [command, ...rest] = [...prefix, process.execPath, COMPILED_CLI, ...args] as [string, ...string[]];
    this.child = spawn(command, rest, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({ code, signal }));
      this.child.on('error', (error) => {
        this.stderr += `cannot start ${command}: ${error.message}\n`;
        resolve({ code: null, signal: null });
      });
    });
  }

  /** `ip netns exec` execs the command in place, so this is the pid of node itself. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` on standard output; rejects if the process exits first. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`${this.name} exited before printing ${pattern}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The JSON lines of its log file, parsed. */
  logLines(): Record<string, unknown>[] {
    if (this.logFile === undefined || !existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The end of its output and log, for a failure message. */
  tail(lines = 25): string {
    const last = (text: string): string => text.trimEnd().split('\n').slice(-lines).join('\n');
    const log = this.logFile !== undefined && existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
    return [
      `--- ${this.name} (pid ${this.pid}, ${this.running ? 'running' : `exited ${this.child.exitCode ?? this.child.signalCode}`})`,
      `stdout:\n${last(this.stdout)}`,
      `stderr:\n${last(this.stderr)}`,
      ...(this.logFile !== undefined ? [`log ${this.logFile}:\n${last(log)}`] : []),
    ].join('\n');
  }

  /** SIGKILL to the whole process group; the process may be gone already. */
  kill(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
