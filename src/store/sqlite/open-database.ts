import Database from 'better-sqlite3';
import { SweeperError } from '../../errors/sweeper-error.js';
import { MIGRATIONS } from './migrations.js';
import { damagedStore, readOnlyStore, translateSqliteError } from './sqlite-failure.js';
import { requireStoreFile } from './store-file-kind.js';
import { writeBlocker } from './write-blocker.js';

/** The schema version this code reads and writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Opens (creating if needed) a store file for writing and brings its schema up to date. A store
 * this process cannot write, or whose file is damaged, is refused before anything is written.
 */
export function openDatabase(path: string): Database.Database {
  requireStoreFile(path);
  const blocker = writeBlocker(path);
  if (blocker !== undefined) throw readOnlyStore(path, blocker);
  const db = connect(path, path);
  try {
    requireIntact(db, path);
    prepareForWriting(db, path);
  } catch (error) {
    db.close();
    throw storeProblem(error, path);
  }
  return db;
}

/** `new Database`, with SQLite's refusals said in the store's terms. */
export function connect(path: string, source: string | Buffer, options?: Database.Options): Database.Database {
  try {
    return new Database(source, options);
  } catch (error) {
    const translated = translateSqliteError(error, path);
    if (translated instanceof SweeperError) throw translated;
    throw new SweeperError('INVALID_ARGUMENT', `cannot open the trial store ${path}: ${(error as Error).message}`);
  }
}

/** An error met while opening the store, as the user should read it. */
export function storeProblem(error: unknown, path: string): Error {
  const translated = translateSqliteError(error, path);
  if (translated instanceof SweeperError) return translated;
  return new SweeperError('INVALID_ARGUMENT', `cannot use ${path} as a trial store: ${translated.message}`);
}

/**
 * WAL lets readers (`sweeper best` during a sweep) run beside the one writer; with
 * synchronous=NORMAL a crash of the process never loses a committed transaction, and a
 * power cut can only lose the last ones, never leave the file inconsistent.
 */
export function prepareForWriting(db: Database.Database, path: string): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  migrate(db, path);
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function refuseNewerSchema(db: Database.Database, path: string): void {
  const version = schemaVersion(db);
  if (version > LATEST_SCHEMA_VERSION) {
    throw new SweeperError(
      'FAILED_PRECONDITION',
      `${path} has schema version ${version}, newer than this sweeper knows (${LATEST_SCHEMA_VERSION})`,
      undefined,
      { reason: 'NEWER_SCHEMA', path },
    );
  }
}

/**
 * quick_check reads every page and checks the b-trees' structure, so garbage in the file shows
 * here; it skips integrity_check's matching of indexes to tables, which grows as N log N
 * (bench:store-check: 149 ms against 179 ms on a 35 MiB store, 20,000 trials of 20 epochs).
 */
function requireIntact(db: Database.Database, path: string): void {
  const verdict = String(db.pragma('quick_check(1)', { simple: true }));
  if (verdict === 'ok') return;
  const detail = verdict
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('***'))
    .join('; ');
  throw damagedStore(path, `SQLite's quick check found: ${detail}`);
}

function migrate(db: Database.Database, path: string): void {
  refuseNewerSchema(db, path);
  for (const migration of MIGRATIONS) {
    // Read the version inside the write lock: another process may have just migrated the file.
    db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}
