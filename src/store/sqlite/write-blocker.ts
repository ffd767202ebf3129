import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why this process cannot write the store at `path`, or undefined when it can. SQLite needs the
 * folder too: a WAL store's -wal and -shm files are created beside it. A folder that does not
 * exist is no blocker here: opening the store reports it.
 */
export function writeBlocker(path: string): string | undefined {
  const folder = dirname(resolve(path));
  const targets = existsSync(path) ? [{ target: path, what: 'the file' }] : [];
  targets.push({ target: folder, what: `its folder ${folder}` });
  for (const { target, what } of targets) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EROFS') return `${what} is on a read-only file system`;
      if (code === 'EACCES' || code === 'EPERM') return `${what} is not writable by this user (uid ${process.getuid?.() ?? '?'})`;
    }
  }
  return undefined;
}
