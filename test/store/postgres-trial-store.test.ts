import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { StoreError } from '../../src/errors/store-error.js';
import { inlineInteger, PostgresDatabase } from '../../src/store/postgres/postgres-database.js';
import { PostgresTrialStore } from '../../src/store/postgres/postgres-trial-store.js';
import { runCli } from '../helpers/cli-process.js';
import { PostgresServer, postgresSkip } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { result, studyDefinition } from './study-fixture.js';
import { startClaimer, startWriter } from './store-processes.js';
import { until } from '../helpers/until.js';

/**
 * What only a database server can do to a store: refuse a write that breaks an invariant
 * whoever sends it, check credentials, go away mid-transaction and come back. The contract
 * itself is trial-store-conformance's, run on PostgreSQL in trial-store-backends.
 */
describe('PostgreSQL trial store', { skip: postgresSkip() }, () => {
  let server: PostgresServer;
  let databases = 0;
  const dir = tempDir();
  before(async () => {
    server = await PostgresServer.start();
  });
  after(async () => server?.close());

  function fresh(): string {
    return server.database(`db_${databases++}`);
  }

  async function open(url: string): Promise<PostgresTrialStore> {
    return PostgresTrialStore.open(url, { checkpoints: join(dir, `checkpoints-${databases}`) });
  }

  test('the invariants hold against any SQL, not only the store code: a COMPLETE trial and a final result never change', async () => {
    const url = fresh();
    const store = await open(url);
    const study = await store.createStudy(studyDefinition('guarded'));
    const trial = await store.createTrial(study.id, { lr: 0.1 }, { worker: 'w' });
    await store.recordEpoch(trial.id, 1, 0, 1, { valLoss: 0.5 });
    await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(0.5) });
    await store.close();

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const refused = async (sql: string, why: RegExp): Promise<void> =>
        assert.rejects(client.query(sql), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'SW001', `${sql}: ${error.message}`);
          assert.match(error.message, why);
          return true;
        });
      await refused(`UPDATE trials SET state = 'QUEUED' WHERE id = ${trial.id}`, /COMPLETE and cannot change/);
      await refused(`UPDATE trial_params SET value = '0.2' WHERE trial_id = ${trial.id}`, /COMPLETE/);
      await refused(`DELETE FROM trial_epochs WHERE trial_id = ${trial.id}`, /COMPLETE/);
      await refused(`INSERT INTO trial_epochs (trial_id, repeat, epoch) VALUES (${trial.id}, 0, 2)`, /COMPLETE/);
      await refused(`UPDATE trial_results SET value = 0.1 WHERE trial_id = ${trial.id}`, /cannot change/);
      await refused(`DELETE FROM trial_results WHERE trial_id = ${trial.id}`, /COMPLETE/);
      await refused(`INSERT INTO trial_segments (trial_id, from_epoch, params) VALUES (${trial.id}, 2, '{}')`, /only while its trial runs/);
      const rows = await client.query<{ state: string }>(`SELECT state FROM trials WHERE id = ${trial.id}`);
      assert.equal(rows.rows[0]?.state, 'COMPLETE');
      await assert.rejects(
        client.query(`UPDATE studies SET definition = 'not json' WHERE id = ${study.id}`),
        /invalid input syntax for type json/,
      );
    } finally {
      await client.end();
    }
  });

  test("a write's first reads share the BEGIN's round trip, and only integers of ours may be written into them", async () => {
    const db = await PostgresDatabase.open(fresh(), 'write');
    try {
      const rows = await db.write((_tx, first) => Promise.resolve(first), {
        first: [`SELECT ${inlineInteger(41)} + 1 AS n`, 'SELECT n FROM generate_series(1, 3) AS n'],
      });
      assert.deepEqual(rows, [[{ n: 42 }], [{ n: 1 }, { n: 2 }, { n: 3 }]]);
      assert.throws(() => inlineInteger(1.5), RangeError);
      assert.throws(() => inlineInteger(Number.NaN), RangeError);
      // Text, a parameter, a second statement or a comment would be sent as SQL without parameters: refused before anything runs.
      for (const statement of ["SELECT 'x'", 'SELECT ?', 'SELECT $1', 'SELECT 1; DROP TABLE trials', 'SELECT 1 -- x', 'SELECT 1 /* x */']) {
        let ran = false;
        await assert.rejects(
          db.write(() => Promise.resolve((ran = true)), { first: [statement] }),
          RangeError,
          statement,
        );
        assert.equal(ran, false, statement);
      }
    } finally {
      await db.close();
    }
  });

  test('credentials from the URL, PGPASSWORD or a password file; a wrong one is refused with exit 2, the password never shown', async () => {
    const url = fresh();
    const bare = url.replace(`:${PostgresServer.password}@`, '@');
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    try {
      process.env.PGPASSWORD = PostgresServer.password;
      await (await open(bare)).close();
      delete process.env.PGPASSWORD;
      const passfile = join(dir, 'pgpass');
      writeFileSync(passfile, `127.0.0.1:${server.port}:*:${PostgresServer.user}:${PostgresServer.password}\n`, { mode: 0o600 });
      process.env.PGPASSFILE = passfile;
      await (await open(bare)).close();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }

    const wrong = url.replace(`:${PostgresServer.password}@`, ':not-the-secret@');
    await assert.rejects(open(wrong), (error: unknown) => {
      assert.ok(error instanceof StoreError && error.failure === 'CANNOT_OPEN', String(error));
      assert.match(error.message, /password authentication failed/);
      assert.ok(!error.message.includes('not-the-secret'));
      return true;
    });
    const cli = await runCli(['studies', '--db', wrong], { env: { PGPASSWORD: '', PGPASSFILE: '/nonexistent' } });
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr, /postgres:\/\/sweeper@127\.0\.0\.1:\d+\/db_\d+/);
    assert.ok(!`${cli.stdout}${cli.stderr}`.includes('not-the-secret'), cli.stderr);
  });

  test('connections cut mid-transaction, again and again: every write is retried or fails whole, nothing half-written', async () => {
    const url = fresh();
    await (await open(url)).close(); // the schema, made without the cuts
    const proxy = await CuttingProxy.start(server.port);
    const store = await open(url.replace(`:${server.port}/`, `:${proxy.port}/`));
    try {
      const study = await store.createStudy(studyDefinition('cut'));
      // Every 25th write done cuts every connection of the pool, whatever the others are doing then.
      let done = 0;
      const step = (): void => {
        done += 1;
        if (done % 25 === 0) proxy.cutAll();
      };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 120 }, async (_, i) => {
          const trial = await store.createTrial(study.id, { lr: i / 1000, depth: i % 4, width: 16 * (i % 5) }, { worker: `w${i}` });
          step();
          for (let epoch = 1; epoch <= 3; epoch += 1) {
            await store.recordEpoch(trial.id, 1, 0, epoch, { valLoss: 1 / epoch });
            step();
          }
          await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(1 / 3) });
          step();
        }),
      );
      assert.ok(proxy.cuts >= 10, `the connections were cut mid-sweep (${proxy.cuts} times)`);
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
      for (const failure of failed) {
        const error = failure.reason as Error;
        // Only a COMMIT whose answer was lost may fail, and it says so.
        assert.ok(error instanceof StoreError && error.failure === 'IO_ERROR', String(error));
        assert.match(error.message, /may or may not be stored/);
      }
      assert.ok(failed.length < 30, `most writes went through the cuts (${failed.length} of 120 failed)`);

      const trials = await store.listTrials(study.id);
      assert.deepEqual(
        trials.map((trial) => trial.number),
        trials.map((_, i) => i),
        'trial numbers without gaps or repeats',
      );
      for (const trial of trials) {
        assert.equal(Object.keys(trial.params).length, 3, `trial ${trial.number} has all its parameters or none`);
        const epochs = await store.getEpochs(trial.id);
        if (trial.state === 'COMPLETE')
          assert.deepEqual(
            epochs.map((epoch) => epoch.epoch),
            [1, 2, 3],
          );
        else assert.ok(trial.state === 'RUNNING' && epochs.length <= 3);
      }
      assert.ok(trials.filter((trial) => trial.state === 'COMPLETE').length >= 120 - failed.length);
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  /** The stated invariants, read with plain SQL on a connection of the test's own. */
  async function checkInvariants(url: string): Promise<{ trials: number }> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const count = async (sql: string): Promise<number> => Number((await client.query<{ n: string }>(sql)).rows[0]?.n);
      assert.equal(
        await count(
          `SELECT COUNT(*) AS n FROM trials t WHERE state = 'COMPLETE' AND NOT EXISTS (SELECT 1 FROM trial_results r WHERE r.trial_id = t.id)`,
        ),
        0,
        'every COMPLETE trial has its result',
      );
      assert.equal(
        await count(`SELECT COUNT(*) AS n FROM trial_results r JOIN trials t ON t.id = r.trial_id WHERE t.state IN ('QUEUED', 'RUNNING')`),
        0,
        'no result without a finished trial',
      );
      assert.equal(
        await count(
          `SELECT COUNT(*) AS n FROM trials t WHERE state = 'COMPLETE' AND (SELECT COUNT(*) FROM trial_epochs e WHERE e.trial_id = t.id) <> 3`,
        ),
        0,
        'a finished trial has all its epochs',
      );
      assert.equal(
        await count(`SELECT COUNT(*) AS n FROM trials t WHERE (SELECT COUNT(*) FROM trial_params p WHERE p.trial_id = t.id) <> 2`),
        0,
      );
      const rows = (
        await client.query<{ study_id: string; number: number }>('SELECT study_id, number FROM trials ORDER BY study_id, number')
      ).rows;
      const byStudy = new Map<string, number[]>();
      for (const row of rows) byStudy.set(row.study_id, [...(byStudy.get(row.study_id) ?? []), row.number]);
      for (const list of byStudy.values())
        assert.deepEqual(
          list,
          list.map((_, i) => i),
          'trial numbers are 0..n-1 without gaps or repeats',
        );
      return { trials: rows.length };
    } finally {
      await client.end();
    }
  }

  test('writers killed with SIGKILL at any point leave a consistent database; two writers of one study get unique numbers', async () => {
    const url = fresh();
    await (await open(url)).close(); // the schema first: a writer killed while migrating is another test's
    for (const killAfter of [3, 17, 41]) {
      const writer = startWriter(url, `crash-${killAfter}`, 10_000);
      await writer.progress(killAfter);
      writer.kill();
      await writer.exited;
      assert.ok((await checkInvariants(url)).trials >= killAfter);
    }
    const shared = fresh();
    const store = await open(shared);
    await store.createStudy(studyDefinition('shared'));
    await store.close();
    const writers = [startWriter(shared, 'shared', 60), startWriter(shared, 'shared', 60)];
    assert.deepEqual(await Promise.all(writers.map((w) => w.exited)), [0, 0]);
    assert.equal((await checkInvariants(shared)).trials, 120);
  });

  test('the claim of a process killed with SIGKILL is free at once: the server ends its session, and the lock with it', async (t) => {
    const url = fresh();
    const claimer = await startClaimer(url, 's');
    const store = await open(url);
    try {
      const study = await store.getStudy('s');
      const me = { id: 'me', host: 'here', pid: process.pid };
      await assert.rejects(store.claimStudy(study.id, me), new RegExp(`being run by process ${claimer.pid} on claimer-host`));
      await claimer.kill();
      const claim = await until(() => store.claimStudy(study.id, me).catch(() => undefined), {
        what: "the killed claimer's lock freed",
        signal: t.signal,
      });
      assert.deepEqual({ alive: claim.previousAlive, pid: claim.previous?.pid }, { alive: false, pid: claimer.pid });
    } finally {
      await claimer.kill();
      await store.close();
    }
  });

  test('the server restarts between writes: a write waits for it and goes through', async () => {
    const store = await open(fresh());
    try {
      const study = await store.createStudy(studyDefinition('restart'));
      await server.stop();
      const pending = store.createTrial(study.id, { lr: 0.1 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await server.resume();
      const trial = await pending;
      assert.equal(trial.number, 0);
      assert.equal((await store.listTrials(study.id)).length, 1);
    } finally {
      await store.close();
    }
  });
});

/** A TCP proxy to the server whose connections can all be cut at once, as a network does. */
class CuttingProxy {
  cuts = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(target: number): Promise<CuttingProxy> {
    const server = createServer();
    const proxy = new CuttingProxy(server);
    server.on('connection', (client) => {
      const upstream = connect(target, '127.0.0.1');
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        proxy.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          proxy.sockets.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  cutAll(): void {
    if (this.sockets.size === 0) return;
    this.cuts += 1;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
