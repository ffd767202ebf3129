import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** What a program did under the harness: its report lines, the decisions sent, its output and how it ended. */
export interface HarnessRun {
  /** Each line the program wrote to fd 3, as written. */
  lines: string[];
  /** The decisions written to fd 4, one per report line that was not a final line. */
  decisions: string[];
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HarnessOptions {
  /** Answers to the report lines, in order; 'continue' once the script runs out. */
  decisions?: readonly ('continue' | 'stop')[];
  /** Variables on top of the SWEEPER_* ones (PATH and HOME come from this process). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The trial's parameters for SWEEPER_PARAMS. */
  params?: Record<string, unknown>;
  /** Leave out SWEEPER_REPORT_FD and SWEEPER_DECISION_FD and the extra pipes: a run by hand. */
  byHand?: boolean;
}

/**
 * Runs a program as the worker runs a `command:` task (docs/own-code.md), without the worker:
 * SWEEPER_* variables, report lines read from fd 3, and each epoch line answered on fd 4 from a
 * script of decisions. A `{"final": ...}` line gets no answer, as in the protocol. Resolves when
 * the program has exited and its pipes are drained.
 */
export function runWithReports(argv: readonly string[], options: HarnessOptions = {}): Promise<HarnessRun> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('runWithReports: empty argv');
  const script = options.decisions ?? [];
  const params = options.params ?? {};
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // Python would leave __pycache__ folders in python/ and the examples, inside the work tree.
    PYTHONDONTWRITEBYTECODE: '1',
    ...(options.byHand
      ? {}
      : {
          SWEEPER_PARAMS: JSON.stringify(params),
          SWEEPER_STUDY: 'harness',
          SWEEPER_TRIAL: '7',
          SWEEPER_REPEAT: '0',
          SWEEPER_ATTEMPT: '1',
          SWEEPER_SEED: '1234',
          SWEEPER_REPORT_FD: '3',
          SWEEPER_DECISION_FD: '4',
        }),
    ...options.env,
  };
  const child = spawn(command, args, {
    cwd: options.cwd,
    env,
    stdio: options.byHand ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  const run: HarnessRun = { lines: [], decisions: [], stdout: '', stderr: '', code: null, signal: null };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  const reports = child.stdio[3] as Readable | undefined;
  const decisions = child.stdio[4] as Writable | undefined;
  // A program that exits without reading its decisions closes fd 4: writing then is EPIPE, not a failure here.
  decisions?.on('error', () => undefined);
  let pending = '';
  reports?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      run.lines.push(line);
      if (line.trimStart().startsWith('{"final"')) continue;
      const decision = script[run.decisions.length] ?? 'continue';
      run.decisions.push(decision);
      if (decisions?.writable) decisions.write(`${decision}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending !== '') run.lines.push(pending);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}
