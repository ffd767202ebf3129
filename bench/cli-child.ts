import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled CLI next to this compiled file: dist/cli/main.js after `npm run build`, which is
 * what bin/sweeper.js loads, or the same file under any other --outDir (so the benchmark also
 * runs from a build that is not dist/).
 */
const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Children still running, killed if this process exits first, so no coordinator or worker outlives a failed benchmark. */
const living = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of living) child.kill('SIGKILL');
});

/** Linux's USER_HZ, the unit of /proc/PID/stat's CPU times: 100 on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Lines of standard error kept for the message when a child fails. */
const STDERR_LINES = 20;

/**
 * One `sweeper COMMAND ...` process, as a user starts it from a shell, whose standard output is
 * watched for the line that says it is ready.
 */
export class CliChild {
  private readonly child: ChildProcess;
  private stdout = '';
  private stderr: string[] = [];
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    args: readonly string[],
    nodeArgs: readonly string[] = [],
    /** The script it runs: the CLI, or another compiled script (bench:scale's simulated workers). */
    main = CLI_MAIN,
  ) {
    const child = spawn(process.execPath, [...nodeArgs, main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    living.add(child);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
      this.stderr = this.stderr.slice(-STDERR_LINES);
    });
    this.exited = new Promise((resolve) => {
      child.on('close', (code) => {
        living.delete(child);
        resolve(code);
      });
    });
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** Everything the process has written to standard output so far. */
  get output(): string {
    return this.stdout;
  }

  /** Resolves with the exit code once the process has ended and its output is read. */
  ended(): Promise<number | null> {
    return this.exited;
  }

  /**
   * CPU time (user + system) the process has used so far, in seconds, from /proc/PID/stat;
   * undefined where there is no /proc. Unlike wall time it does not grow while the process waits
   * for a core, so it shows the work done even on a busy machine.
   */
  cpuSeconds(): number | undefined {
    return this.statTicks(11, 12);
  }

  /**
   * CPU time (user + system) of the process's children that have ended and been waited for
   * (cutime + cstime in /proc/PID/stat), in seconds: a worker's command-task programs.
   */
  childrenCpuSeconds(): number | undefined {
    return this.statTicks(13, 14);
  }

  /** Resident memory of the process (VmRSS in /proc/PID/status), in bytes; undefined where there is no /proc. */
  rssBytes(): number | undefined {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** The sum of two clock-tick fields of /proc/PID/stat (counted from field 3, after the command name), in seconds. */
  private statTicks(first: number, second: number): number | undefined {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      // Fields 14 and up (utime, stime, cutime, cstime); the command name in parentheses may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[first]) + Number(fields[second])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** Resolves with the first match of `pattern` on standard output; rejects if the process exits or `ms` pass first. */
  async waitForLine(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) throw this.failure(`exited with code ${this.child.exitCode} before printing ${pattern}`);
      if (Date.now() > deadline) throw this.failure(`did not print ${pattern} within ${ms / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** SIGTERM (the process drains and exits), then SIGKILL if it is still there after `ms`. */
  async stop(ms: number): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  failure(what: string): Error {
    const tail = this.stderr.length > 0 ? `\n  ${this.stderr.join('\n  ')}` : '';
    return new Error(`${this.name} ${what}${tail}`);
  }
}
