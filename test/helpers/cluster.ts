import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { startCli, type CliResult } from './cli-process.js';

export interface ClusterProcess {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  readonly logFile: string;
  /** The last lines of its log, for assertion messages. */
  logTail(lines?: number): string;
}

export interface CoordinatorProcess extends ClusterProcess {
  readonly address: string;
  /** The dashboard's URL, when started with `--dashboard`. */
  readonly dashboard?: string;
}

const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

function track(args: readonly string[], logFile: string): ClusterProcess {
  const { child, done } = startCli([...args, '--log-file', logFile]);
  running.add(child);
  void done.finally(() => running.delete(child));
  return {
    child,
    done,
    logFile,
    logTail(lines = 15) {
      try {
        return readFileSync(logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}

/** `sweeper coordinator` in a child process; resolves once it listens (port 0 unless `--listen` is given). */
export async function startCoordinatorProcess(
  dir: string,
  db: string,
  args: readonly string[] = [],
  name = 'coordinator',
): Promise<CoordinatorProcess> {
  const listen = args.includes('--listen') ? [] : ['--listen', '127.0.0.1:0'];
  const proc = track(['coordinator', '--db', db, ...listen, ...args], join(dir, `${name}.log`));
  const withDashboard = args.includes('--dashboard');
  const { address, dashboard } = await new Promise<{ address: string; dashboard?: string }>((resolve, reject) => {
    let out = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /coordinator listening on (\S+)/.exec(out);
      const url = /dashboard on (\S+)/.exec(out);
      if (match && (!withDashboard || url)) resolve({ address: match[1] as string, ...(url && { dashboard: url[1] as string }) });
    });
    void proc.done.then((result) =>
      reject(new Error(`the coordinator exited (${result.code}) before listening: ${result.stderr}\n${proc.logTail()}`)),
    );
  });
  return { ...proc, address, ...(dashboard !== undefined && { dashboard }) };
}

/**
 * `sweeper coordinator` in a child process on a store another coordinator leads: resolves once it
 * says it waits as a standby, with its output so far (and on) in `output()`.
 */
export async function startStandbyProcess(
  dir: string,
  db: string,
  args: readonly string[],
  name: string,
): Promise<ClusterProcess & { output: () => string }> {
  const proc = track(['coordinator', '--db', db, ...args], join(dir, `${name}.log`));
  let out = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => /^standby: /m.test(out) && (clearInterval(timer), resolve()), 50);
    void proc.done.then((result) => {
      clearInterval(timer);
      reject(new Error(`the coordinator exited (${result.code}) before waiting as a standby: ${result.stderr}\n${proc.logTail()}`));
    });
  });
  return { ...proc, output: () => out };
}

/** `sweeper worker` in a child process. */
export function startWorkerProcess(dir: string, address: string, args: readonly string[] = [], name = 'worker'): ClusterProcess {
  return track(['worker', '--coordinator', address, ...args], join(dir, `${name}.log`));
}

/** A synthetic sweep file (no training: each epoch sleeps `epochSeconds`). */
export function writeSyntheticSweep(
  dir: string,
  study: string,
  options: { trials: number; epochs: number; epochSeconds: number; extra?: string },
): string {
  const path = join(dir, `${study}.yaml`);
  writeFileSync(
    path,
    [
      `study: ${study}`,
      'seed: 3',
      'synthetic:',
      `  epochs: ${options.epochs}`,
      `  epoch_seconds: ${options.epochSeconds}`,
      'space:',
      '  learning_rate: { type: float, low: 1.0e-4, high: 1.0, log: true }',
      '  width: { type: int, low: 16, high: 256, log: true }',
      '  optimizer: { type: categorical, choices: [sgd, adam] }',
      'sampler:',
      '  type: tpe',
      '  n_startup_trials: 4',
      'budget:',
      `  trials: ${options.trials}`,
      'objective:',
      '  metric: val_loss',
      '  direction: minimize',
      options.extra ?? '',
    ].join('\n'),
  );
  return path;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 60_000,
  diagnostics: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined | false;
    try {
      value = probe();
    } catch {
      value = undefined;
    }
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${diagnostics()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
