import { InvalidStateError } from '../../errors/invalid-state-error.js';
import { StoreError, type StoreFailure } from '../../errors/store-error.js';
import { SweeperError } from '../../errors/sweeper-error.js';

/** The failures SQLite itself reports (an old schema is found by sweeper). */
type SqliteFailure = Exclude<StoreFailure, 'NEEDS_UPGRADE'>;

/** better-sqlite3's SqliteError codes (extended: SQLITE_IOERR_WRITE) by their primary code. */
const FAILURE_OF: Readonly<Record<string, SqliteFailure>> = {
  SQLITE_FULL: 'DISK_FULL',
  SQLITE_READONLY: 'READ_ONLY',
  SQLITE_PERM: 'READ_ONLY',
  SQLITE_CORRUPT: 'DAMAGED',
  SQLITE_NOTADB: 'NOT_A_STORE',
  SQLITE_BUSY: 'LOCKED',
  SQLITE_LOCKED: 'LOCKED',
  SQLITE_IOERR: 'IO_ERROR',
  SQLITE_CANTOPEN: 'CANNOT_OPEN',
};

/**
 * SQLite's errors as the user should read them: what happened to which file, as a StoreError.
 * The store's own refusals (the invariant triggers) become the errors the code raises itself;
 * anything else (a bug) is returned as it is.
 */
export function translateSqliteError(error: unknown, path: string): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (error instanceof SweeperError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  // RAISE(ABORT) in a trigger is the one source of this code, and every trigger of the schema
  // (migrations.ts) guards an invariant: no message needs reading.
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') return new InvalidStateError(error.message);
  const failure = FAILURE_OF[/^SQLITE_[A-Z]+/.exec(code)?.[0] ?? ''];
  return failure === undefined ? error : storeFailure(failure, path, `${error.message}, ${code}`);
}

/** A StoreError of the given kind, with the message that goes with it (the CLI chooses the hint). */
export function storeFailure(failure: SqliteFailure, path: string, detail: string): StoreError {
  switch (failure) {
    case 'DISK_FULL':
      return new StoreError(
        failure,
        path,
        `the disk holding the trial store ${path} is full: the last change was not stored, and nothing stored before it was lost`,
      );
    case 'READ_ONLY':
      return readOnlyStore(path, detail);
    case 'DAMAGED':
      return damagedStore(path, detail);
    case 'NOT_A_STORE':
      return new StoreError(failure, path, `cannot use ${path} as a trial store: file is not a database`);
    case 'LOCKED':
      return new StoreError(failure, path, `the trial store ${path} stayed locked by another process: ${detail}`);
    case 'IO_ERROR':
      return new StoreError(failure, path, `reading or writing the trial store ${path} failed: ${detail}`);
    case 'CANNOT_OPEN':
      return new StoreError(failure, path, `cannot open the trial store ${path}: ${detail}`);
  }
}

/** Refuses to write a store this process cannot change; readers open such a store read-only. */
export function readOnlyStore(path: string, reason: string): StoreError {
  return new StoreError('READ_ONLY', path, `the trial store ${path} is read-only: ${reason}`);
}

/** Refuses a store whose file is damaged: writing into it would bury more trials in a broken file. */
export function damagedStore(path: string, detail: string): StoreError {
  return new StoreError('DAMAGED', path, `the trial store ${path} is damaged (${detail})`);
}
