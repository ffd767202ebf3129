import { sha256Hex } from '../../src/files/sha256.js';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { CheckpointDamagedError } from '../../src/store/checkpoints/checkpoint-damaged-error.js';
import { result, studyDefinition } from './study-fixture.js';
import { startWriter } from './store-processes.js';

const dir = tempDir();
let files = 0;
const freshPath = (): string => join(dir, `store-${files++}.db`);

// The contract every backend keeps runs in trial-store-backends (SQLite and in memory); here,
// what only a file does: its schema and upgrades, and SIGKILL in the middle of writes.

/** The stated invariants, read straight from the file. */
function checkInvariants(path: string): { trials: number } {
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    const completeWithoutResult = db
      .prepare(
        `SELECT COUNT(*) AS n FROM trials t WHERE t.state = 'COMPLETE' AND NOT EXISTS (SELECT 1 FROM trial_results r WHERE r.trial_id = t.id)`,
      )
      .get() as { n: number };
    assert.equal(completeWithoutResult.n, 0, 'every COMPLETE trial has its result');
    const unfinishedWithResult = db
      .prepare(`SELECT COUNT(*) AS n FROM trial_results r JOIN trials t ON t.id = r.trial_id WHERE t.state IN ('QUEUED', 'RUNNING')`)
      .get() as { n: number };
    assert.equal(unfinishedWithResult.n, 0, 'no result without a finished trial');
    const numbers = db.prepare('SELECT study_id, number FROM trials ORDER BY study_id, number').all() as {
      study_id: number;
      number: number;
    }[];
    const byStudy = new Map<number, number[]>();
    for (const row of numbers) byStudy.set(row.study_id, [...(byStudy.get(row.study_id) ?? []), row.number]);
    for (const list of byStudy.values())
      assert.deepEqual(
        list,
        list.map((_, i) => i),
        'trial numbers are 0..n-1 without gaps or repeats',
      );
    return { trials: numbers.length };
  } finally {
    db.close();
  }
}

describe('sqlite trial store', () => {
  test('creates the schema at the latest version, and opens it again without migrating twice', async () => {
    const path = freshPath();
    await SqliteTrialStore.open(path).close();
    await SqliteTrialStore.open(path).close();
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)?.version);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
      MIGRATIONS.map((m) => m.version),
    );
    db.close();
  });

  test('a store of schema version 2 is upgraded in place, its trials and epochs intact', async () => {
    const path = freshPath();
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
      old.exec(migration.sql);
      old
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, 'then');
    }
    old.pragma('user_version = 2');
    old.close();
    const store = SqliteTrialStore.open(path);
    try {
      const study = await store.createStudy(studyDefinition('upgraded'));
      const trial = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w' });
      await store.recordEpoch(trial.id, 1, 0, 1, { valAccuracy: 0.5, mutualInformation: 0.9 });
      assert.deepEqual(await store.getEpochs(trial.id), [{ repeat: 0, epoch: 1, valAccuracy: 0.5, mutualInformation: 0.9 }]);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)?.version);
    db.close();
  });

  test('refuses a store written by a newer version, and a file that is not a store', async () => {
    const path = freshPath();
    await SqliteTrialStore.open(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => SqliteTrialStore.open(path), {
      message: new RegExp(`${path} has schema version 99, newer than this sweeper knows \\(\\d+\\)`),
    });
    const notAStore = join(dir, 'not-a-store.db');
    (await import('node:fs')).writeFileSync(notAStore, 'this is not SQLite, just text long enough to be a header............');
    assert.throws(() => SqliteTrialStore.open(notAStore), {
      message: /cannot use .*not-a-store\.db as a trial store: file is not a database/,
    });
  });

  test('the database itself refuses to change a COMPLETE trial, whatever code tries', async () => {
    const path = freshPath();
    const store = SqliteTrialStore.open(path);
    const study = await store.createStudy(studyDefinition('s'));
    const trial = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w' });
    await store.recordEpoch(trial.id, 1, 0, 1, { valAccuracy: 0.5 });
    await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(0.5) });
    await store.close();
    const db = new Database(path);
    for (const sql of [
      `UPDATE trials SET state = 'FAILED' WHERE id = ${trial.id}`,
      `UPDATE trial_params SET value = '0.9' WHERE trial_id = ${trial.id}`,
      `DELETE FROM trial_epochs WHERE trial_id = ${trial.id}`,
      `INSERT INTO trial_epochs (trial_id, repeat, epoch) VALUES (${trial.id}, 0, 2)`,
      `UPDATE trial_results SET value = 1 WHERE trial_id = ${trial.id}`,
      `DELETE FROM trial_results WHERE trial_id = ${trial.id}`,
    ]) {
      assert.throws(() => db.exec(sql), /COMPLETE|final result/, sql);
    }
    const running = db
      .prepare(`INSERT INTO trials (study_id, number, state, attempt, queued_at) VALUES (?, 1, 'RUNNING', 1, 'now')`)
      .run(study.id);
    assert.throws(() => db.exec(`UPDATE trials SET state = 'COMPLETE' WHERE id = ${running.lastInsertRowid}`), /needs its result/);
    db.close();
  });

  test('a writer killed with SIGKILL at any point leaves a consistent store', async () => {
    const path = freshPath();
    for (const killAfter of [3, 17, 41]) {
      const writer = startWriter(path, `crash-${killAfter}`, 10_000);
      await writer.progress(killAfter);
      writer.kill();
      await writer.exited;
      const { trials } = checkInvariants(path);
      assert.ok(trials >= killAfter);
    }
    const store = SqliteTrialStore.open(path);
    const summary = (await store.listStudies()).map((s) => s.counts);
    assert.equal(summary.length, 3);
    await store.close();
  });

  test('two processes writing to one study get unique trial numbers', async () => {
    const path = freshPath();
    const store = SqliteTrialStore.open(path);
    await store.createStudy(studyDefinition('shared'));
    await store.close();
    const writers = [startWriter(path, 'shared', 60), startWriter(path, 'shared', 60)];
    assert.deepEqual(await Promise.all(writers.map((w) => w.exited)), [0, 0]);
    assert.equal(checkInvariants(path).trials, 120);
  });
});

describe('sqlite trial store: checkpoint files', () => {
  const checkpoint = (epoch: number, size = 4096): { epoch: number; sha256: string; data: Uint8Array } => {
    const data = new Uint8Array(size).map((_, i) => (i * 7 + epoch) & 0xff);
    return { epoch, sha256: sha256Hex(data), data };
  };

  async function withCheckpoint(): Promise<{ store: SqliteTrialStore; path: string; trialId: number; file: string }> {
    const path = freshPath();
    const store = SqliteTrialStore.open(path);
    const study = await store.createStudy(studyDefinition('ck'));
    const trial = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w' });
    await store.saveCheckpoint(trial.id, 1, 0, checkpoint(1));
    await store.saveCheckpoint(trial.id, 1, 0, checkpoint(2));
    return {
      store,
      path,
      trialId: trial.id,
      file: join(`${path}.checkpoints`, `study-${study.id}`, 'trial-0.repeat-0.attempt-1.epoch-2.swck'),
    };
  }

  test('bytes in a file beside the store, not in its rows; the one replaced is deleted; no temporary file stays', async () => {
    const { store, path, file } = await withCheckpoint();
    try {
      assert.deepEqual(readFileSync(file), Buffer.from(checkpoint(2).data));
      assert.deepEqual(readdirSync(join(`${path}.checkpoints`, 'study-1')), ['trial-0.repeat-0.attempt-1.epoch-2.swck']);
      const db = new Database(path, { readonly: true });
      const row = db.prepare('SELECT * FROM trial_checkpoints').get() as Record<string, unknown>;
      db.close();
      assert.equal(row.bytes, 4096);
      assert.equal(row.file, 'study-1/trial-0.repeat-0.attempt-1.epoch-2.swck');
    } finally {
      await store.close();
    }
  });

  for (const [damage, act] of [
    ['a flipped byte', (file: string) => writeFileSync(file, Buffer.from(readFileSync(file)).fill(9, 100, 101))],
    ['a truncated file', (file: string) => truncateSync(file, 100)],
    ['a missing file', (file: string) => rmSync(file)],
    ['a symbolic link in its place', (file: string) => (rmSync(file), symlinkSync('/etc/passwd', file))],
  ] as const) {
    test(`${damage}: the checkpoint is refused as damaged, naming the file`, async () => {
      const { store, trialId, file } = await withCheckpoint();
      try {
        act(file);
        await assert.rejects(store.loadCheckpoint(trialId, 0), (error: unknown) => {
          assert.ok(error instanceof CheckpointDamagedError, String(error));
          assert.ok(error.message.includes(file), error.message);
          return true;
        });
      } finally {
        await store.close();
      }
    });
  }

  test('files no row names (a process killed between writing a checkpoint and recording it) go when their trial ends', async () => {
    const { store, path, trialId, file } = await withCheckpoint();
    try {
      const folder = join(`${path}.checkpoints`, 'study-1');
      writeFileSync(join(folder, 'trial-0.repeat-0.attempt-1.epoch-3.swck'), 'written, never recorded');
      writeFileSync(join(folder, 'trial-0.repeat-0.attempt-1.epoch-4.swck.1a2b3c4d.tmp'), 'cut off while written');
      assert.equal(await store.retainCheckpoints(1, 0), 0, 'a running trial keeps everything');
      assert.equal(readdirSync(folder).length, 3);
      await store.finishTrial(trialId, 1, { state: 'COMPLETE', result: result(0.5) });
      assert.equal(await store.retainCheckpoints(1, 1), 0, 'the best trial, kept');
      assert.equal(readdirSync(folder).length, 3);
      assert.equal(await store.retainCheckpoints(1, 0), 1);
      assert.deepEqual(readdirSync(folder), []);
      assert.equal(existsSync(file), false);
    } finally {
      await store.close();
    }
  });

  test('a checkpoint folder that is a symbolic link is refused; nothing is written through it', async () => {
    const path = freshPath();
    const elsewhere = join(dir, `elsewhere-${files++}`);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, `${path}.checkpoints`);
    const store = SqliteTrialStore.open(path);
    try {
      const study = await store.createStudy(studyDefinition('ck'));
      const trial = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w' });
      await assert.rejects(store.saveCheckpoint(trial.id, 1, 0, checkpoint(1)), /is a symbolic link/);
      assert.deepEqual(readdirSync(elsewhere), []);
      assert.deepEqual(await store.listCheckpoints(trial.id), []);
    } finally {
      await store.close();
    }
  });
});
