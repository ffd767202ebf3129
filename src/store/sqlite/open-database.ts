import Database from 'better-sqlite3';
import { SweeperError } from '../../errors/sweeper-error.js';
import { MIGRATIONS } from './migrations.js';

/**
 * Opens (creating if needed) a store file and brings its schema up to date.
 * WAL lets readers (`sweeper best` during a sweep) run beside the one writer; with
 * synchronous=NORMAL a crash of the process never loses a committed transaction, and a
 * power cut can only lose the last ones, never leave the file inconsistent.
 */
export function openDatabase(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new SweeperError('INVALID_ARGUMENT', `cannot open the trial store ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    migrate(db, path);
  } catch (error) {
    db.close();
    if (error instanceof SweeperError) throw error;
    throw new SweeperError('INVALID_ARGUMENT', `cannot use ${path} as a trial store: ${(error as Error).message}`);
  }
  return db;
}

function migrate(db: Database.Database, path: string): void {
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  if (version() > latest) {
    throw new SweeperError(
      'FAILED_PRECONDITION',
      `${path} has schema version ${version()}, newer than this sweeper knows (${latest})`,
      'upgrade sweeper to open this store',
    );
  }
  for (const migration of MIGRATIONS) {
    // Read the version inside the write lock: another process may have just migrated the file.
    db.transaction(() => {
      if (version() >= migration.version) return;
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
