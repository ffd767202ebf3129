import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchRun {
  readonly stdout: string;
  /** The result line's values by key (`result: key=value key=value`). */
  readonly values: ReadonlyMap<string, string>;
  /** The result line itself, for assertion messages. */
  readonly resultLine: string;
}

/**
 * Runs a compiled benchmark (`dist/bench/NAME.js`) with `args`, as `node dist/bench/NAME.js`
 * does, and checks that it succeeded and ended with its result line.
 */
export async function runBench(name: string, args: readonly string[]): Promise<BenchRun> {
  const script = fileURLToPath(new URL(`../../bench/${name}.js`, import.meta.url));
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
  });
  assert.equal(code, 0, `the benchmark failed:\n${stderr}`);
  const resultLine = stdout.trimEnd().split('\n').at(-1) ?? '';
  assert.match(resultLine, /^result: /, 'the last line is the result line');
  const values = new Map(
    resultLine
      .slice('result: '.length)
      .split(' ')
      .map((pair) => pair.split('=') as [string, string]),
  );
  return { stdout, values, resultLine };
}
