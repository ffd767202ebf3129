import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { FIXTURE_STUDY, writeHealthyStore, writeOldSchemaStore } from '../fixtures/stores/damaged-store.js';
import type { CliResult } from '../helpers/cli-process.js';
import { confinementSkip, sweeperAsNobody, sweeperOnReadOnlyMount } from '../helpers/confined-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studyDefinition } from '../store/study-fixture.js';

/** A folder of root's that others may read but not write, holding the store (0644). */
const storeDir = tempDir();
const db = join(storeDir, 'store.db');
/** A folder anyone may write: the report's output, and a sweep file. */
const outDir = tempDir();
const sweepFile = join(outDir, 'sweep.yaml');

const TRIALS = 12;

function assertReadOnlyRefusal(result: CliResult, reason: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, new RegExp(`error: the trial store .*store\\.db is read-only: ${reason.source}`));
  assert.match(result.stderr, /hint: .*best, studies, trials, show, report, export and dashboard read a read-only store/);
  assert.doesNotMatch(result.stderr, /looks like a bug/);
}

/** best, studies, report (and the other queries) work, and leave no file beside the store. */
async function assertQueriesWork(sweeper: (args: readonly string[]) => Promise<CliResult>, label: string): Promise<void> {
  const best = await sweeper(['best', FIXTURE_STUDY, '--db', db, '--json']);
  assert.equal(best.code, 0, `${label} best: ${best.stderr}`);
  assert.equal((JSON.parse(best.stdout) as { trials: unknown[] }).trials.length, 5);
  const studies = await sweeper(['studies', '--db', db]);
  assert.equal(studies.code, 0, `${label} studies: ${studies.stderr}`);
  assert.match(studies.stdout, new RegExp(`${FIXTURE_STUDY}.*${TRIALS}/${TRIALS}`));
  const report = join(outDir, `${label}.html`);
  const reported = await sweeper(['report', FIXTURE_STUDY, '--db', db, '-o', report]);
  assert.equal(reported.code, 0, `${label} report: ${reported.stderr}`);
  assert.ok(existsSync(report));
  for (const args of [
    ['trials', FIXTURE_STUDY],
    ['show', FIXTURE_STUDY, '3'],
    ['export', FIXTURE_STUDY],
  ]) {
    const result = await sweeper([...args, '--db', db]);
    assert.equal(result.code, 0, `${label} ${args.join(' ')}: ${result.stderr}`);
  }
  assert.deepEqual(readdirSync(storeDir), ['store.db'], 'no -wal or -shm file was made');
}

describe('a store this user cannot write', () => {
  before(async () => {
    await writeHealthyStore(db, TRIALS, 3);
    chmodSync(storeDir, 0o755);
    chmodSync(db, 0o644);
    chmodSync(outDir, 0o777);
    writeFileSync(
      sweepFile,
      'study: more\nsynthetic:\n  epochs: 1\nspace:\n  x: { type: float, low: 0, high: 1 }\nbudget:\n  trials: 1\nobjective:\n  metric: val_loss\n  direction: minimize\n',
    );
  });

  test(
    "another user's store (0644, in a folder they cannot write): the queries read it, run, resume and coordinator are refused with exit 2",
    { skip: confinementSkip('nobody') },
    async () => {
      await assertQueriesWork(sweeperAsNobody, 'nobody');
      assertReadOnlyRefusal(
        await sweeperAsNobody(['resume', FIXTURE_STUDY, '--db', db, '--no-progress']),
        /the file is not writable by this user/,
      );
      assertReadOnlyRefusal(
        await sweeperAsNobody(['run', sweepFile, '--db', db, '--no-progress']),
        /the file is not writable by this user/,
      );
      assertReadOnlyRefusal(
        await sweeperAsNobody(['coordinator', '--db', db, '--listen', '127.0.0.1:0']),
        /the file is not writable by this user/,
      );
    },
  );

  test(
    'a store on a read-only mount: the queries read it, run, resume and coordinator are refused with exit 2',
    { skip: confinementSkip('mounts') },
    async () => {
      const onMount = (args: readonly string[]): Promise<CliResult> => sweeperOnReadOnlyMount(storeDir, args);
      await assertQueriesWork(onMount, 'mount');
      assertReadOnlyRefusal(
        await onMount(['resume', FIXTURE_STUDY, '--db', db, '--no-progress']),
        /the file is on a read-only file system/,
      );
      assertReadOnlyRefusal(await onMount(['run', sweepFile, '--db', db, '--no-progress']), /the file is on a read-only file system/);
      assertReadOnlyRefusal(
        await onMount(['coordinator', '--db', db, '--listen', '127.0.0.1:0']),
        /the file is on a read-only file system/,
      );
    },
  );

  test(
    'what a running sweep has written but not yet checkpointed (its -wal file) is read too',
    { skip: confinementSkip('nobody') },
    async () => {
      const live = join(tempDir(), 'live.db');
      chmodSync(join(live, '..'), 0o755);
      const writer = SqliteTrialStore.open(live);
      try {
        await writer.createStudy(studyDefinition('live'));
        const result = await sweeperAsNobody(['studies', '--db', live, '--json']);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(
          (JSON.parse(result.stdout) as { studies: { name: string }[] }).studies.map((s) => s.name),
          ['live'],
        );
      } finally {
        await writer.close();
      }
    },
  );

  test(
    'a store of an older schema that this user cannot upgrade: exit 2, and what to do',
    { skip: confinementSkip('nobody') },
    async () => {
      const oldDir = tempDir();
      chmodSync(oldDir, 0o755);
      const old = join(oldDir, 'old.db');
      writeOldSchemaStore(old, 2);
      chmodSync(old, 0o644);
      const result = await sweeperAsNobody(['studies', '--db', old]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /error: the trial store .*old\.db has schema version 2, older than this sweeper's \(\d+\), and this user cannot upgrade it/,
      );
      assert.match(result.stderr, /hint: run any sweeper command on it once as a user who may write it/);
    },
  );
});
