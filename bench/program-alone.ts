import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * The program's own time per run, without sweeper: `slots` lanes started together from this
 * process (as many as the sweep runs at once), each running the program `runs` times one after
 * another; the mean time from spawn to exit. What it takes over the program's nominal length
 * (its shell, its `sleep` process, many forks on the same cores) is the program's, not the
 * sweeper's: the ideal with it is what a scheduler with no cost of its own would reach.
 */
export async function programAloneSeconds(argv: readonly string[], slots: number, runs: number): Promise<number> {
  const [program, ...args] = argv as [string, ...string[]];
  let total = 0;
  const once = async (): Promise<void> => {
    const started = performance.now();
    // Fd 3 as under sweeper (the program reports there), read and dropped.
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: { ...process.env, SWEEPER_REPORT_FD: '3' } });
    (child.stdio[3] as Readable | null)?.resume();
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`${argv.join(' ')} exited with code ${code}`);
    total += performance.now() - started;
  };
  await Promise.all(
    Array.from({ length: slots }, async () => {
      for (let run = 0; run < runs; run++) await once();
    }),
  );
  return total / 1000 / (slots * runs);
}
