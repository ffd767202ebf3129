import { statSync } from 'node:fs';
import { SweeperError } from '../../errors/sweeper-error.js';
import { notRegularFileReason } from '../../files/file-kind.js';

/**
 * Refuses a store path that names something other than a regular file (or nothing yet): SQLite
 * would read a FIFO until a writer came, /dev/zero without end, and call either a disk error.
 * Symbolic links are followed, so a link to a real store still works.
 */
export function requireStoreFile(path: string): void {
  if (path === ':memory:') return;
  let reason: string | undefined;
  try {
    reason = notRegularFileReason(statSync(path));
  } catch {
    return; // absent (a writer creates it) or unreadable: SQLite's own refusal says which
  }
  if (reason !== undefined) {
    throw new SweeperError('INVALID_ARGUMENT', `the trial store ${path} ${reason}`, undefined, { reason: 'NOT_A_STORE_FILE', path });
  }
}
