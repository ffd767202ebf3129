import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { hintFor } from '../../cli/error-hints.js';
import { InvalidStateError } from '../../src/errors/invalid-state-error.js';
import { SweeperError } from '../../src/errors/sweeper-error.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';
import { studyDefinition } from './study-fixture.js';
import { startClaimer } from './store-processes.js';

const dir = tempDir();
let files = 0;
const freshPath = (): string => join(dir, `locks-${files++}.db`);
const owner = (id: string, pid = 1): { id: string; host: string; pid: number } => ({ id, host: 'vm', pid });

/** Whether some connection holds the lock file, seen by reading it (which a held lock refuses). */
function isLocked(lockFile: string): boolean {
  const db = new Database(lockFile, { timeout: 0, fileMustExist: true });
  try {
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    db.close();
  }
}

async function storeWithStudy(path: string, name = 's'): Promise<{ store: SqliteTrialStore; studyId: number }> {
  const store = SqliteTrialStore.open(path);
  const study = (await store.findStudy(name)) ?? (await store.createStudy(studyDefinition(name)));
  return { store, studyId: study.id };
}

describe('study locks (a lock beside the store that dies with its process)', () => {
  test('a second store cannot claim a study the first holds; closing the first frees it', async () => {
    const path = freshPath();
    const first = await storeWithStudy(path);
    const second = await storeWithStudy(path);
    try {
      await first.store.claimStudy(first.studyId, owner('first', 1));
      await assert.rejects(second.store.claimStudy(second.studyId, owner('second', 1)), (error: unknown) => {
        assert.ok(error instanceof InvalidStateError);
        assert.match(error.message, /^study "s" is being run by process 1 on vm since \d{4}-/);
        assert.equal(error.facts?.reason, 'STUDY_OWNED');
        assert.match(hintFor(error) ?? '', /--take-over/);
        return true;
      });
      await first.store.close();
      const claim = await second.store.claimStudy(second.studyId, owner('second', 1));
      assert.equal(claim.previousAlive, false, 'same host, same PID, and yet dead: its lock is free');
      assert.equal(claim.previous?.id, 'first');
    } finally {
      await first.store.close();
      await second.store.close();
    }
  });

  test('the lock of a killed process is free, whatever PID and host it recorded; the lock file stays', async () => {
    const path = freshPath();
    const claimer = await startClaimer(path, 's');
    const { store, studyId } = await storeWithStudy(path);
    try {
      await assert.rejects(store.claimStudy(studyId, owner('me')), new RegExp(`being run by process ${claimer.pid} on claimer-host`));
      await claimer.kill();
      const claim = await store.claimStudy(studyId, owner('me'));
      assert.deepEqual(
        { alive: claim.previousAlive, host: claim.previous?.host, pid: claim.previous?.pid },
        { alive: false, host: 'claimer-host', pid: claimer.pid },
      );
      const lockFile = `${path}.locks/study-${studyId}.lock`;
      assert.ok(isLocked(lockFile), 'held by this process now');
      await store.releaseStudy(studyId, 'me');
      assert.equal(isLocked(lockFile), false, 'released at once');
      assert.ok(existsSync(lockFile), 'never deleted: deleting would let a newcomer lock a new file beside a held one');
    } finally {
      await claimer.kill();
      await store.close();
    }
  });

  test('--take-over claims a study held by a live process, and takes its lock when that process exits', { timeout: 60_000 }, async (t) => {
    const path = freshPath();
    const claimer = await startClaimer(path, 's');
    const taker = await storeWithStudy(path);
    const third = await storeWithStudy(path);
    try {
      const claim = await taker.store.claimStudy(taker.studyId, owner('taker'), { takeOver: true });
      assert.equal(claim.previousAlive, true);
      assert.equal(claim.previous?.pid, claimer.pid);
      await claimer.kill();
      const lockFile = `${path}.locks/study-${taker.studyId}.lock`;
      await until(() => isLocked(lockFile), { what: 'the taker to take the freed lock', signal: t.signal });
      await assert.rejects(third.store.claimStudy(third.studyId, owner('third')), /being run by process 1 on vm/);
    } finally {
      await claimer.kill();
      await taker.store.close();
      await third.store.close();
    }
  });

  test('a claim that fails (no such study) leaves no lock behind', async () => {
    const path = freshPath();
    const { store, studyId } = await storeWithStudy(path);
    const other = await storeWithStudy(path);
    try {
      await assert.rejects(store.claimStudy(studyId + 100, owner('me')));
      await store.claimStudy(studyId, owner('me'));
      await store.releaseStudy(studyId, 'me');
      await other.store.claimStudy(other.studyId, owner('other'));
    } finally {
      await store.close();
      await other.store.close();
    }
  });

  test("the lock folder has the store's permissions, and neither it nor a lock file may be a symbolic link", async () => {
    const path = freshPath();
    const { store, studyId } = await storeWithStudy(path);
    try {
      chmodSync(path, 0o640);
      await store.claimStudy(studyId, owner('me'));
      assert.equal(statSync(`${path}.locks`).mode & 0o777, 0o750);
      assert.equal(statSync(`${path}.locks/study-${studyId}.lock`).mode & 0o777, 0o640);
    } finally {
      await store.close();
    }

    const linked = freshPath();
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, `${linked}.locks`);
    const second = await storeWithStudy(linked);
    try {
      await assert.rejects(second.store.claimStudy(second.studyId, owner('me')), (error: unknown) => {
        assert.ok(error instanceof SweeperError);
        assert.match(error.message, /\.locks must be a folder, not a symbolic link/);
        return true;
      });
    } finally {
      await second.store.close();
    }

    const fileLinked = freshPath();
    const third = await storeWithStudy(fileLinked);
    try {
      mkdirSync(`${fileLinked}.locks`);
      symlinkSync(join(elsewhere, 'target'), `${fileLinked}.locks/study-${third.studyId}.lock`);
      await assert.rejects(third.store.claimStudy(third.studyId, owner('me')), /study-\d+\.lock must be a plain file, not a symbolic link/);
      assert.equal(existsSync(join(elsewhere, 'target')), false, 'nothing was made through the link');
    } finally {
      await third.store.close();
    }
  });

  test('a :memory: store makes no files; its own claims still exclude each other', async () => {
    const store = SqliteTrialStore.open(':memory:');
    try {
      const study = await store.createStudy(studyDefinition('m'));
      await store.claimStudy(study.id, owner('one'));
      await assert.rejects(store.claimStudy(study.id, owner('two', 2)), InvalidStateError);
      await store.releaseStudy(study.id, 'one');
      await store.claimStudy(study.id, owner('two', 2));
      assert.equal(existsSync(':memory:.locks'), false);
    } finally {
      await store.close();
    }
  });
});
