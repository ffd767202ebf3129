import { existsSync } from 'node:fs';
import { NotFoundError } from '../src/errors/not-found-error.js';
import { openStore, type LocatedStore, type OpenStoreOptions } from '../src/store/open-store.js';
import { isPostgresUrl } from '../src/store/postgres/postgres-location.js';

/**
 * Opens a store that must already exist: reading commands never create an empty one by mistake.
 * They open it for reading, so that they work on a store they may not write (another user's, a
 * read-only mount, a database where they may only SELECT); `resume` opens it to write, and is
 * refused a read-only or damaged one.
 */
export function openExistingStore(path: string, use: 'read' | 'write', options: OpenStoreOptions = {}): Promise<LocatedStore> {
  if (!isPostgresUrl(path) && !existsSync(path)) {
    throw new NotFoundError(
      `no trial store at ${path}`,
      'run a sweep first (`sweeper run FILE`), or point to the store with --db PATH (or SWEEPER_DB)',
    );
  }
  return openStore(path, use, options);
}
