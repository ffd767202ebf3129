import { existsSync } from 'node:fs';
import { NotFoundError } from '../src/errors/not-found-error.js';
import { SqliteTrialStore } from '../src/store/sqlite/sqlite-trial-store.js';

/** Opens a store that must already exist: reading commands never create an empty one by mistake. */
export function openExistingStore(path: string): SqliteTrialStore {
  if (!existsSync(path)) {
    throw new NotFoundError(`no trial store at ${path}`, 'run a sweep first (`sweeper run FILE`), or point to the store with --db PATH (or SWEEPER_DB)');
  }
  return SqliteTrialStore.open(path);
}
