import { chmodSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SweeperError } from '../../errors/sweeper-error.js';

/**
 * The locks that say a study's owner is alive: one small SQLite file per study beside the store
 * (`<store>.locks/study-<id>.lock`), held in an exclusive transaction for as long as the owner
 * runs. The operating system drops the lock when the process dies, however it dies and whatever
 * its PID or hostname, so a free lock always means a dead (or finished) owner: what a recorded
 * host and PID cannot tell inside containers, where every process is PID 1 and hosts change.
 *
 * A lock file is never deleted: deleting it would let a newcomer lock a fresh file while the
 * owner still holds the old one. A `:memory:` store is seen by this process only, so its locks
 * are a set.
 */
export class StudyLocks {
  /** Each lock this store holds, with the owner (StudyOwner.id) it is held for. */
  private readonly held = new Map<number, { readonly db: Database.Database | undefined; holder: string }>();
  /** Studies taken over from a live owner, waiting for its lock to come free. */
  private readonly waiting = new Map<number, { readonly timer: NodeJS.Timeout; readonly holder: string }>();

  constructor(private readonly storePath: string) {}

  /** The owner this store holds the study's lock for, if it holds it. */
  holderOf(studyId: number): string | undefined {
    return this.held.get(studyId)?.holder;
  }

  /**
   * Takes the study's lock for `holder`; false if another process (or another store in this one)
   * holds it. A lock this store holds already passes to `holder`.
   */
  tryAcquire(studyId: number, holder: string): boolean {
    const mine = this.held.get(studyId);
    if (mine) {
      mine.holder = holder;
      return true;
    }
    if (this.inMemory()) {
      this.held.set(studyId, { db: undefined, holder });
      return true;
    }
    const { path, isNew, mode } = this.lockPath(studyId);
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: 0 });
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN EXCLUSIVE');
      // Whoever may write the store must be able to lock its studies too, whoever made the file.
      if (isNew) chmodSync(path, mode & 0o666);
    } catch (error) {
      db?.close();
      if (isBusy(error)) return false;
      throw new SweeperError(
        'FAILED_PRECONDITION',
        `cannot lock ${path}: ${(error as Error).message}`,
        'the folder beside the trial store must be writable by sweeper',
      );
    }
    this.held.set(studyId, { db, holder });
    return true;
  }

  /**
   * Takes the lock as soon as the process holding it exits (checked every `everyMs`). A study
   * taken over from a live process would otherwise look ownerless once that process ends, and
   * the next claim would take it from its new, live owner without a word.
   */
  acquireWhenFree(studyId: number, holder: string, everyMs = 1_000): void {
    this.stopWaiting(studyId);
    const timer = setInterval(() => {
      try {
        if (this.tryAcquire(studyId, holder)) this.stopWaiting(studyId);
      } catch {
        this.stopWaiting(studyId); // the folder went away or became read-only: nothing more to do
      }
    }, everyMs);
    timer.unref();
    this.waiting.set(studyId, { timer, holder });
  }

  /** Frees the study's lock if it is held for `holder` (another owner's lock is left alone). */
  release(studyId: number, holder: string): void {
    const mine = this.held.get(studyId);
    if (mine?.holder === holder) {
      this.held.delete(studyId);
      // Closing ends the transaction, which frees the lock.
      mine.db?.close();
    }
    if (this.waiting.get(studyId)?.holder === holder) this.stopWaiting(studyId);
  }

  releaseAll(): void {
    for (const studyId of [...this.waiting.keys()]) this.stopWaiting(studyId);
    for (const [studyId, { holder }] of [...this.held]) this.release(studyId, holder);
  }

  private stopWaiting(studyId: number): void {
    clearInterval(this.waiting.get(studyId)?.timer);
    this.waiting.delete(studyId);
  }

  private inMemory(): boolean {
    return this.storePath === ':memory:' || this.storePath === '';
  }

  /**
   * The lock file's path, its folder made with the store's permissions. Neither may be a symbolic
   * link: whoever can write the store's folder could otherwise point the lock at another file.
   */
  private lockPath(studyId: number): { path: string; isNew: boolean; mode: number } {
    const dir = `${this.storePath}.locks`;
    const path = `${dir}/study-${studyId}.lock`;
    const mode = statSync(this.storePath).mode;
    try {
      mkdirSync(dir, { mode: folderMode(mode) });
      chmodSync(dir, folderMode(mode)); // mkdir's mode is narrowed by the umask; the store's own bits are the ones wanted
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SweeperError(
          'FAILED_PRECONDITION',
          `cannot make the lock folder ${dir}: ${(error as Error).message}`,
          'the folder that holds the trial store must be writable by sweeper',
        );
      }
    }
    if (!lstatSync(dir).isDirectory()) throw notPlain(dir, 'a folder');
    const file = lstatIfExists(path);
    if (file !== undefined && !file.isFile()) throw notPlain(path, 'a plain file');
    return { path, isNew: file === undefined, mode };
  }
}

/** A folder readable and writable by whoever may read and write the store, and no one else. */
function folderMode(storeMode: number): number {
  // r and w as the store has them, and x wherever r is: a folder is entered, not read.
  const rw = storeMode & 0o666;
  return rw | ((rw & 0o444) >> 2);
}

function lstatIfExists(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function notPlain(path: string, what: string): SweeperError {
  return new SweeperError(
    'FAILED_PRECONDITION',
    `${path} must be ${what}, not a symbolic link or anything else`,
    'remove it; sweeper makes it again',
  );
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
