import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * The program's own time, without sweeper: `slots` copies started at once from this process (as
 * many as the sweep runs at once), waited for, `waves` times. What a wave takes over the
 * program's nominal length (its shell, its `sleep` process, 64 forks on the same cores) is the
 * program's, not the sweeper's: the ideal with it is what no scheduler can beat.
 */
export async function programAloneSeconds(argv: readonly string[], slots: number, waves: number): Promise<number> {
  const [program, ...args] = argv as [string, ...string[]];
  const started = performance.now();
  for (let wave = 0; wave < waves; wave++) {
    await Promise.all(
      Array.from({ length: slots }, async () => {
        // Fd 3 as under sweeper (the program reports there), read and dropped.
        const child = spawn(program, args, {
          stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
          env: { ...process.env, SWEEPER_REPORT_FD: '3' },
        });
        (child.stdio[3] as Readable | null)?.resume();
        const code = await new Promise<number | null>((resolve, reject) => {
          child.once('error', reject);
          child.once('close', resolve);
        });
        if (code !== 0) throw new Error(`${argv.join(' ')} exited with code ${code}`);
      }),
    );
  }
  return (performance.now() - started) / 1000 / waves;
}
