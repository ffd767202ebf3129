import { readFileSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { StoreError, type StoreFailure } from '../../errors/store-error.js';
import { connect, LATEST_SCHEMA_VERSION, prepareForWriting, refuseNewerSchema, schemaVersion, storeProblem } from './open-database.js';
import { storeFailure } from './sqlite-failure.js';
import { requireStoreFile } from './store-file-kind.js';
import { writeBlocker } from './write-blocker.js';

/** Failures of the usual open that reading the file alone may avoid. */
const READ_ALONE: ReadonlySet<StoreFailure> = new Set(['DISK_FULL', 'IO_ERROR', 'READ_ONLY', 'CANNOT_OPEN']);

/**
 * Opens an existing store for queries, which never write. A store this process may write is
 * opened as usual, so it reads what a running sweep writes (WAL), and an older schema is
 * upgraded as a writer would; `query_only` then refuses any write. One it may not write (another
 * user's, on a read-only mount) is opened read-only, or, when SQLite would have to create its
 * -shm and -wal files beside it and cannot, read whole into memory.
 */
export function openDatabaseForReading(path: string): Database.Database {
  requireStoreFile(path);
  const walHoldsChanges = hasChangesInWal(path);
  if (writeBlocker(path) === undefined) {
    try {
      return readyForQueries(connect(path, path), path, true);
    } catch (error) {
      // A disk too full for the -shm file SQLite makes beside the store, or a file system that
      // refuses what access() allowed: the file alone can still be read.
      if (!(error instanceof StoreError && READ_ALONE.has(error.failure)) || walHoldsChanges) throw error;
      return readyForQueries(readIntoMemory(path), path, false);
    }
  }
  return readyForQueries(walHoldsChanges ? connect(path, path, { readonly: true }) : readIntoMemory(path), path, false);
}

/**
 * The file's bytes as an in-memory database. Such a database cannot be in WAL mode, so a WAL
 * store's header is set back to rollback mode in the copy: with no changes in a -wal file, the
 * file alone holds every committed change.
 */
export function readIntoMemory(path: string): Database.Database {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw storeFailure(
      'CANNOT_OPEN',
      path,
      (error as NodeJS.ErrnoException).code === 'EACCES' ? 'this user may not read it' : (error as Error).message,
    );
  }
  const isSqlite = bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\0';
  if (isSqlite && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return connect(path, bytes, { readonly: true });
}

function readyForQueries(db: Database.Database, path: string, mayUpgrade: boolean): Database.Database {
  try {
    refuseNewerSchema(db, path);
    const version = schemaVersion(db);
    if (version < LATEST_SCHEMA_VERSION) {
      if (mayUpgrade) prepareForWriting(db, path);
      else throw olderSchema(path, version);
    }
    db.pragma('busy_timeout = 10000');
    db.pragma('query_only = 1');
    return db;
  } catch (error) {
    db.close();
    throw storeProblem(error, path);
  }
}

/** Whether committed changes may be in the -wal file beside the store rather than in the file itself. */
function hasChangesInWal(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

function olderSchema(path: string, version: number): StoreError {
  if (version === 0) return storeFailure('NOT_A_STORE', path, 'no sweeper schema');
  return new StoreError(
    'NEEDS_UPGRADE',
    path,
    `the trial store ${path} has schema version ${version}, older than this sweeper's (${LATEST_SCHEMA_VERSION}), and this user cannot upgrade it`,
  );
}
