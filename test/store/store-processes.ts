import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('./fixtures/store-writer.js', import.meta.url));
const CLAIMER = fileURLToPath(new URL('./fixtures/study-claimer.js', import.meta.url));

/**
 * A process writing trials to the store at `location` (a file or a database URL) as fast as it
 * can; `progress(n)` waits until it has written n, so that the test kills it mid-write.
 */
export function startWriter(
  location: string,
  study: string,
  trials: number,
  env: NodeJS.ProcessEnv = process.env,
): { exited: Promise<number | null>; kill: () => void; progress: (n: number) => Promise<void> } {
  const child = fork(WRITER, [location, study, String(trials)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
  let written = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  child.on('message', (message: { written: number }) => {
    written = message.written;
    for (const waiter of waiters.filter((w) => w.n <= written)) waiter.resolve();
  });
  return {
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    kill: () => child.kill('SIGKILL'),
    progress: (n) => (written >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

/** A process that claims the study and holds it until killed. */
export async function startClaimer(location: string, study: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = fork(CLAIMER, [location, study], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.on('message', () => resolve());
    void exited.then(() => reject(new Error('the claimer exited before claiming')));
  });
  return {
    pid: child.pid ?? -1,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
