import { isPostgresUrl, redactedUrl } from './postgres/postgres-location.js';
import type { CoordinatorLease } from './postgres/coordinator-lease.js';
import type { RawStore } from './sql/raw-store.js';
import type { TrialStore } from './trial-store.js';

export interface OpenStoreOptions {
  /** The checkpoint folder of a PostgreSQL store (a SQLite store keeps its own beside its file). */
  readonly checkpoints?: string;
  /** Told each time a PostgreSQL store waits for its server (restarting, out of reach). */
  readonly onWait?: (reason: string) => void;
}

/**
 * A trial store, where it is (as it may be shown: a database URL without its password), its
 * tables, and on a database server the lease that says which coordinator leads it.
 */
export type LocatedStore = TrialStore & RawStore & { readonly lease?: CoordinatorLease };

/**
 * The trial store at `location`: a `postgres://` URL names a PostgreSQL database, anything else
 * a SQLite file. `write` opens it to write (creating it if needed); `read` for queries only,
 * which work on a store this process may not change. Each backend's driver is loaded only when
 * used: `best` on a file never loads pg, nor on a database better-sqlite3.
 */
export async function openStore(location: string, use: 'read' | 'write', options: OpenStoreOptions = {}): Promise<LocatedStore> {
  if (isPostgresUrl(location)) {
    const settings = {
      ...(options.checkpoints !== undefined && { checkpoints: options.checkpoints }),
      ...(options.onWait && { onWait: options.onWait }),
    };
    const { PostgresTrialStore } = await import('./postgres/postgres-trial-store.js');
    return use === 'read' ? PostgresTrialStore.openForReading(location, settings) : PostgresTrialStore.open(location, settings);
  }
  const { SqliteTrialStore } = await import('./sqlite/sqlite-trial-store.js');
  return use === 'read' ? SqliteTrialStore.openForReading(location) : SqliteTrialStore.open(location);
}

/** A store's location as it may be printed or logged. */
export function shownLocation(location: string): string {
  return isPostgresUrl(location) ? redactedUrl(location) : location;
}
