import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The CLI compiled with these tests, which is what bin/sweeper.js imports from dist/ (the bin
 * adds only a "not built yet" check). Taking the sibling build lets a build to another --outDir
 * test itself instead of whatever dist/ holds.
 */
export const SWEEPER_BIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `sweeper ARGS` in a child process; `done` resolves when it exits. */
export function startCli(args: readonly string[], options: { cwd?: string } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [SWEEPER_BIN, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
