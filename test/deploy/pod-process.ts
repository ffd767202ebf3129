import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import type { CliResult } from '../helpers/cli-process.js';
import { until } from '../helpers/until.js';

/** The user a pod's securityContext runs its containers as, and the group of its volumes. */
export interface PodUser {
  readonly uid: number;
  readonly gid: number;
  readonly fsGroup: number | undefined;
}

const alive = new Set<PodProcess>();
after(() => {
  for (const proc of alive) proc.kill();
});

/**
 * A container's program run on this machine as its pod would run it: with only the environment it
 * is given (a pod inherits nothing from whoever started it), in `cwd`, and, when the tests run as
 * root, as the pod's user with its fsGroup as a supplementary group (setpriv), so that the modes
 * and owners of its volumes are put to the test.
 */
export class PodProcess {
  readonly done: Promise<CliResult>;
  private readonly child: ChildProcess;
  private stdoutText = '';
  private stderrText = '';
  private terminatedAt: number | undefined;

  constructor(
    readonly name: string,
    argv: readonly string[],
    options: { env: Record<string, string>; cwd: string; user: PodUser },
  ) {
    const [program, ...args] = process.getuid?.() === 0 ? [...asUser(options.user), ...argv] : argv;
    if (program === undefined) throw new Error(`${name}: nothing to run`);
    this.child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdoutText += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString()));
    this.done = new Promise<CliResult>((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdoutText, stderr: this.stderrText }));
    });
    alive.add(this);
    void this.done.finally(() => alive.delete(this));
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  waitForOutput(pattern: RegExp, signal: AbortSignal): Promise<RegExpExecArray> {
    return until(() => pattern.exec(this.stdout) ?? undefined, {
      what: `${this.name} to print ${pattern}`,
      signal,
      check: () => this.assertRunning(),
    });
  }

  assertRunning(): void {
    if (!this.running) throw new Error(`${this.name} exited\n${this.tail()}`);
  }

  /** What the kubelet does first to stop a container (SIGKILL comes after the grace period). */
  sigterm(): void {
    this.terminatedAt ??= Date.now();
    this.child.kill('SIGTERM');
  }

  /** Its result once it exits, with the seconds since SIGTERM; undefined if it still runs after `seconds`. */
  async exitWithin(seconds: number): Promise<(CliResult & { seconds: number }) | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), seconds * 1000)));
    const result = await Promise.race([this.done, late]);
    clearTimeout(timer);
    return result && { ...result, seconds: (Date.now() - (this.terminatedAt ?? Date.now())) / 1000 };
  }

  tail(lines = 20): string {
    const last = (text: string): string => text.trimEnd().split('\n').slice(-lines).join('\n');
    return `--- ${this.name}\nstdout:\n${last(this.stdout)}\nstderr:\n${last(this.stderr)}`;
  }

  kill(): void {
    if (!this.running) return;
    console.log(`${this.name} was still running at the end of its test: killed.\n${this.tail()}`);
    this.child.kill('SIGKILL');
  }
}

/** setpriv's options that drop root for the pod's user, with the groups Kubernetes gives it. */
function asUser(user: PodUser): string[] {
  const groups = user.fsGroup === undefined ? ['--clear-groups'] : [`--groups=${user.fsGroup}`];
  return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, ...groups, '--'];
}
