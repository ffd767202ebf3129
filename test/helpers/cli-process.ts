import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real entry point, as `npx sweeper` runs it. */
export const SWEEPER_BIN = fileURLToPath(new URL('../../../bin/sweeper.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a running command has printed so far. */
export interface CliOutput {
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Added to the environment, which is this process's without the variables below. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Variables that change what sweeper prints or where it looks (the store, the coordinator, the
 * terminal width): a developer's shell may set them, so tests start without them.
 */
const USER_SETTINGS = ['SWEEPER_DB', 'SWEEPER_CHECKPOINTS', 'SWEEPER_COORDINATOR', 'SWEEPER_TOKEN_FILE', 'COLUMNS'];

export function cliEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of USER_SETTINGS) delete env[name];
  return { ...env, ...extra };
}

/** Starts `sweeper ARGS` in a child process; `done` resolves when it exits, `output` grows while it runs. */
export function startCli(
  args: readonly string[],
  options: CliOptions = {},
): { child: ChildProcess; done: Promise<CliResult>; output: CliOutput } {
  const child = spawn(process.execPath, [SWEEPER_BIN, ...args], {
    cwd: options.cwd,
    env: cliEnvironment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: output.stdout, stderr: output.stderr }));
  });
  return { child, done, output };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
