import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { FIXTURE_STUDY, writeDamagedStore } from '../fixtures/stores/damaged-store.js';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const db = join(dir, 'damaged.db');
const sweep = join(dir, 'sweep.yaml');

describe('commands on a store with garbage in the middle of its file', () => {
  before(async () => {
    await writeDamagedStore(db);
    writeFileSync(
      sweep,
      'study: more\nsynthetic:\n  epochs: 1\nspace:\n  x: { type: float, low: 0, high: 1 }\nbudget:\n  trials: 2\nobjective:\n  metric: val_loss\n  direction: minimize\n',
    );
  });

  test('run and resume refuse it with exit 1, what happened and what to do, and write nothing', async () => {
    const before = readFileSync(db);
    for (const args of [
      ['run', sweep],
      ['resume', FIXTURE_STUDY],
    ]) {
      const result = await runCli([...args, '--db', db, '--no-progress']);
      assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr, /error: the trial store .*damaged\.db is damaged \(SQLite's quick check found: /);
      assert.match(
        result.stderr,
        /hint: sweeper writes nothing more into it\. Copy what can be read into a new store: `sqlite3 .*damaged\.db "\.recover" \| sqlite3 recovered\.db`/,
      );
      assert.doesNotMatch(result.stderr, /looks like a bug/);
    }
    assert.ok(readFileSync(db).equals(before), 'the file is unchanged');
  });

  test('the queries still read what is intact', async () => {
    const studies = await runCli(['studies', '--db', db, '--json']);
    assert.equal(studies.code, 0, studies.stderr);
    assert.deepEqual(
      (JSON.parse(studies.stdout) as { studies: { name: string }[] }).studies.map((s) => s.name),
      [FIXTURE_STUDY],
    );
    const best = await runCli(['best', FIXTURE_STUDY, '--db', db]);
    assert.equal(best.code, 0, best.stderr);
  });

  test('a query that reaches the damaged pages ends with exit 1 and says the store is damaged', async () => {
    const store = SqliteTrialStore.openForReading(db);
    let damaged: number | undefined;
    try {
      const study = await store.getStudy(FIXTURE_STUDY);
      for (const trial of await store.listTrials(study.id)) {
        if (
          await store.getEpochs(trial.id).then(
            () => false,
            () => true,
          )
        ) {
          damaged = trial.number;
          break;
        }
      }
    } finally {
      await store.close();
    }
    assert.notEqual(damaged, undefined, 'a trial has its epochs on the damaged pages');
    const shown = await runCli(['show', FIXTURE_STUDY, String(damaged), '--db', db]);
    assert.equal(shown.code, 1, shown.stderr);
    assert.match(shown.stderr, /error: the trial store .*damaged\.db is damaged \(database disk image is malformed, SQLITE_CORRUPT/);
    assert.match(shown.stderr, /hint: .*"\.recover"/);
    assert.doesNotMatch(shown.stderr, /looks like a bug/);
  });
});
