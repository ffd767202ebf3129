import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SweeperError } from '../../src/errors/sweeper-error.js';
import { PostgresTrialStore } from '../../src/store/postgres/postgres-trial-store.js';
import { PostgresServer, postgresSkip } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studyDefinition } from './study-fixture.js';

const owner = (name: string): { id: string; host: string; pid: number } => ({ id: `coordinator@${name}`, host: name, pid: 1 });

function isFenced(error: unknown): boolean {
  assert.ok(error instanceof SweeperError, String(error));
  assert.equal(error.facts?.reason, 'FENCED', error.message);
  assert.match(error.message, /another coordinator leads postgres:\/\/\S+ now: this one \(lease token 1\) may no longer write to it/);
  return true;
}

/**
 * The lease two coordinators on one PostgreSQL store share (coordinator/leadership.ts drives it):
 * one holds it, the other waits; a leader that stopped renewing (paused, cut off) loses it, and
 * from then on cannot write, even in a transaction it had open.
 */
describe('the coordinators lease of a PostgreSQL store', { skip: postgresSkip() }, () => {
  let server: PostgresServer;
  let databases = 0;
  const dir = tempDir();
  before(async () => {
    server = await PostgresServer.start();
  });
  after(async () => server?.close());

  async function twoStores(): Promise<[PostgresTrialStore, PostgresTrialStore]> {
    const url = server.database(`lease_${databases++}`);
    const first = await PostgresTrialStore.open(url, { checkpoints: join(dir, 'checkpoints'), waitMs: 2_000 });
    const second = await PostgresTrialStore.open(url, { checkpoints: join(dir, 'checkpoints'), waitMs: 2_000 });
    return [first, second];
  }

  test('one leads, the other is told who; a lease not renewed is taken with the next token, and the old holder can write no more', async () => {
    const [old, next] = await twoStores();
    try {
      assert.deepEqual(await old.lease.tryTake(owner('a'), 'a:7400', 400), { taken: true, token: 1 });
      const waiting = await next.lease.tryTake(owner('b'), 'b:7400', 400);
      assert.equal(waiting.taken, false);
      assert.ok(!waiting.taken);
      assert.deepEqual([waiting.current.token, waiting.current.holder, waiting.current.address], [1, owner('a'), 'a:7400']);
      assert.ok(waiting.current.msLeft > 0 && waiting.current.msLeft <= 400, `${waiting.current.msLeft} ms left`);
      assert.equal(await old.lease.renew(1, 400), true);
      const study = await old.createStudy(studyDefinition('before'));
      const trial = await old.createTrial(study.id, { lr: 0.1 }, { worker: 'w' });
      await old.recordEpoch(trial.id, 1, 0, 1, { valLoss: 0.5 });

      await sleep(500); // the leader paused: no renewal
      assert.deepEqual(await next.lease.tryTake(owner('b'), 'b:7400', 10_000), { taken: true, token: 2 });
      await assert.rejects(old.createStudy(studyDefinition('after')), isFenced);
      // The epoch's one-statement write is fenced as a transaction is.
      await assert.rejects(old.recordEpoch(trial.id, 1, 0, 2, { valLoss: 0.4 }), isFenced);
      const epochs = await next.rawTransaction('read', (tx) => tx.all<{ epoch: number }>('SELECT epoch FROM trial_epochs ORDER BY epoch'));
      assert.deepEqual(
        epochs.map((row) => row.epoch),
        [1],
        'the fenced epoch was not stored',
      );
      assert.equal(await old.lease.renew(1, 400), false, 'the old token renews nothing');
      await next.createStudy(studyDefinition('by-the-new-leader'));
      assert.deepEqual((await next.listStudies()).map((each) => each.name).sort(), ['before', 'by-the-new-leader']);
    } finally {
      await Promise.all([old.close(), next.close()]);
    }
  });

  test('a write the old leader had open when the lead was taken is rolled back whole', async () => {
    const [old, next] = await twoStores();
    try {
      await old.lease.tryTake(owner('a'), 'a:7400', 300);
      await sleep(400);
      let takeover: Promise<unknown> | undefined;
      const write = old.rawTransaction('write', async (tx) => {
        await tx.run(
          `INSERT INTO studies (name, created_at, direction, metric, definition) VALUES ('half', 'now', 'minimize', 'val_loss', '{}')`,
        );
        // The lead changes hands while this transaction holds its row: the takeover ends its connection.
        takeover ??= next.lease.tryTake(owner('b'), 'b:7400', 10_000);
        await takeover;
        await tx.run(`UPDATE studies SET metric = 'val_accuracy' WHERE name = 'half'`);
      });
      await assert.rejects(write, isFenced);
      assert.deepEqual(await takeover, { taken: true, token: 2 });
      assert.deepEqual(await next.listStudies(), [], 'nothing of the open transaction was written');
    } finally {
      await Promise.all([old.close(), next.close()]);
    }
  });
});
