import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hintFor } from '../../cli/error-hints.js';
import { StoreError, type StoreFailure } from '../../src/errors/store-error.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import {
  FIXTURE_STUDY,
  writeDamagedStore,
  writeNotADatabase,
  writeOldSchemaStore,
  writeTruncatedStore,
} from '../fixtures/stores/damaged-store.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

function isStoreError(failure: StoreFailure, message: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.failure, failure, error.message);
    assert.match(error.message, message);
    return true;
  };
}

describe('damaged stores', () => {
  test('a writer refuses a store with garbage in its middle pages, says how to recover, and leaves the file as it was', async () => {
    const path = join(dir, 'garbage.db');
    await writeDamagedStore(path);
    const before = readFileSync(path);
    let refusal: StoreError | undefined;
    assert.throws(
      () => SqliteTrialStore.open(path),
      (error) => {
        refusal = error as StoreError;
        return isStoreError('DAMAGED', /the trial store .*garbage\.db is damaged \(SQLite's quick check found: /)(error);
      },
    );
    assert.equal(refusal?.code, 'DATA_LOSS');
    assert.match(refusal === undefined ? '' : (hintFor(refusal) ?? ''), /sqlite3 .*garbage\.db "\.recover" \| sqlite3 recovered\.db/);
    assert.ok(readFileSync(path).equals(before), 'the damaged file is unchanged');
    assert.equal(existsSync(`${path}-wal`), false, 'no -wal file is left beside it');
  });

  test('a reader still lists the studies of a damaged store, and a read of the damaged pages fails as damage', async () => {
    const path = join(dir, 'garbage-read.db');
    await writeDamagedStore(path);
    const store = SqliteTrialStore.openForReading(path);
    try {
      const [summary] = await store.listStudies();
      assert.equal(summary?.name, FIXTURE_STUDY);
      assert.equal(summary?.counts.COMPLETE, 150);
      const trials = await store.listTrials(summary.id);
      const failures: unknown[] = [];
      for (const trial of trials) await store.getEpochs(trial.id).catch((error: unknown) => failures.push(error));
      assert.ok(failures.length > 0, 'some trials have their epochs on the damaged pages');
      for (const failure of failures) isStoreError('DAMAGED', /garbage-read\.db is damaged/)(failure);
    } finally {
      await store.close();
    }
  });

  test('a writer refuses a store cut short, and leaves it as it was', async () => {
    const path = join(dir, 'truncated.db');
    await writeTruncatedStore(path);
    const before = readFileSync(path);
    assert.throws(() => SqliteTrialStore.open(path), isStoreError('DAMAGED', /truncated\.db is damaged/));
    assert.ok(readFileSync(path).equals(before));
  });

  test('a file that is not a database is refused by readers and writers alike, as bad input', () => {
    const path = join(dir, 'not-a-store.db');
    writeNotADatabase(path);
    for (const open of [(p: string) => SqliteTrialStore.open(p), (p: string) => SqliteTrialStore.openForReading(p)]) {
      assert.throws(
        () => open(path),
        (error) =>
          isStoreError('NOT_A_STORE', /cannot use .*not-a-store\.db as a trial store: file is not a database/)(error) &&
          (error as StoreError).code === 'INVALID_ARGUMENT',
      );
    }
  });

  test('a reader that may write an old store upgrades it, as a writer does', async () => {
    const path = join(dir, 'old.db');
    writeOldSchemaStore(path, 2);
    const store = SqliteTrialStore.openForReading(path);
    try {
      assert.deepEqual(
        (await store.listStudies()).map((s) => s.name),
        [FIXTURE_STUDY],
      );
    } finally {
      await store.close();
    }
  });

  test('a store opened for reading refuses every write', async () => {
    const path = join(dir, 'read.db');
    writeOldSchemaStore(path, 5);
    const store = SqliteTrialStore.openForReading(path);
    try {
      const [study] = await store.listStudies();
      await assert.rejects(store.createTrial(study?.id ?? 0, { lr: 0.1, depth: 1 }), isStoreError('READ_ONLY', /read\.db/));
    } finally {
      await store.close();
    }
  });
});
