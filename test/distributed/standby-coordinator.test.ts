import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { runCli } from '../helpers/cli-process.js';
import {
  startCoordinatorProcess,
  startStandbyProcess,
  startWorkerProcess,
  writeSyntheticSweep,
  type ClusterProcess,
} from '../helpers/cluster.js';
import { freePort } from '../helpers/free-port.js';
import { PostgresServer, postgresSkip } from '../helpers/postgres-server.js';
import { trialsJson, type EpochJson, type TrialJson } from '../helpers/study-json.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const TRIALS = 40;
const EPOCHS = 5;
/** --leader-lease: a standby takes over at most this long after the leader's last renewal, plus a poll. */
const LEADER_LEASE_SECONDS = 2;

let server: PostgresServer | undefined;
after(async () => server?.close());

// docs/cluster.md's standby coordinator: two coordinators on one PostgreSQL store, workers and clients given both.
describe('a standby coordinator', { skip: postgresSkip() }, () => {
  test('the leader SIGKILLed mid-sweep, then the next one paused: each time a standby takes over, workers follow, every trial counted once; the paused one wakes up fenced', async (t) => {
    server = await PostgresServer.start();
    const db = server.database('standby');
    const dir = tempDir();
    const [portA, portB] = [await freePort(), await freePort()];
    const list = `127.0.0.1:${portA},127.0.0.1:${portB}`;
    // --lease-timeout 10: a new leader waits that long for the workers to come back with their
    // runs before it re-queues them (a worker's reconnection backoff reaches 5 s), so that the
    // runs are taken back, not run again.
    const common = ['--leader-lease', String(LEADER_LEASE_SECONDS), '--lease-timeout', '10', '--checkpoints', join(dir, 'checkpoints')];
    const a = await startCoordinatorProcess(dir, db, ['--listen', `127.0.0.1:${portA}`, ...common], 'a');
    const b = await startStandbyProcess(dir, db, ['--listen', `127.0.0.1:${portB}`, ...common], 'b');
    assert.match(b.output(), new RegExp(`^standby: coordinator@\\S+ \\(listening on 127\\.0\\.0\\.1:${portA}\\) leads postgres://`, 'm'));
    const workers: ClusterProcess[] = [
      startWorkerProcess(dir, list, ['--threads', '2'], 'w1'),
      startWorkerProcess(dir, list, ['--threads', '2'], 'w2'),
    ];
    const everyone: ClusterProcess[] = [a, b, ...workers];
    const diagnostics = (): string => everyone.map((p) => `--- ${p.logFile}\n${p.logTail()}`).join('\n');
    const file = writeSyntheticSweep(dir, 'failover', { trials: TRIALS, epochs: EPOCHS, epochSeconds: 0.4 });
    const submitted = await runCli(['submit', file, '--coordinator', list]);
    assert.equal(submitted.code, 0, submitted.stderr);
    const completeAtLeast = (n: number, what: string, leader: ClusterProcess): Promise<TrialJson[]> =>
      until(
        async () => {
          const now = await trialsJson(db, 'failover');
          return now !== undefined && now.filter((trial) => trial.state === 'COMPLETE').length >= n && now;
        },
        { what, signal: t.signal, check: () => assert.equal(leader.child.exitCode, null, diagnostics()) },
      );
    const takesOver = async (standby: { output: () => string } & ClusterProcess, from: number): Promise<number> => {
      await until(() => /coordinator listening on /.test(standby.output()), {
        what: 'the standby to take over',
        signal: t.signal,
        check: () => assert.equal(standby.child.exitCode, null, diagnostics()),
      });
      const seconds = (Date.now() - from) / 1000;
      // The lease's bound, not a speed: the last renewal was at most a lease ago, a poll is at most 1 s.
      assert.ok(seconds < LEADER_LEASE_SECONDS + 1 + 5, `took over after ${seconds} s`);
      return seconds;
    };

    // 1. The leader dies.
    const before = await completeAtLeast(6, 'six trials finished under the first leader', a);
    assert.ok(
      before.some((trial) => trial.state === 'RUNNING'),
      'trials are running when the leader dies',
    );
    a.child.kill('SIGKILL');
    const killed = await takesOver(b, Date.now());
    t.diagnostic(`the standby took over ${killed.toFixed(2)} s after the leader was SIGKILLed (--leader-lease ${LEADER_LEASE_SECONDS})`);
    assert.match(b.output(), /^leading postgres:\/\/\S+ \(lease token 2\)$/m);

    // `status` given both finds the one that leads; the workers register with it as they find it.
    const status = await until(
      async () => {
        const result = await runCli(['status', '--coordinator', list]);
        assert.equal(result.code, 0, result.stderr);
        return /: 2 workers/.test(result.stdout) && result.stdout;
      },
      { what: 'the workers to register with the new leader', signal: t.signal },
    );
    assert.match(status, new RegExp(`^coordinator 127\\.0\\.0\\.1:${portB} \\(protocol \\d+\\): 2 workers`));

    // 2. The old leader, started again, waits; then the leader is paused past its lease (a VM
    // frozen, a long GC, a network cut): the old one takes over, and the paused one, woken up,
    // finds its lead gone, writes nothing and stops.
    const again = await startStandbyProcess(dir, db, ['--listen', `127.0.0.1:${portA}`, ...common], 'a-again');
    everyone.push(again);
    assert.match(again.output(), new RegExp(`^standby: coordinator@\\S+ \\(listening on 127\\.0\\.0\\.1:${portB}\\) leads`, 'm'));
    await completeAtLeast(14, 'trials finished under the second leader', b);
    b.child.kill('SIGSTOP');
    const paused = await takesOver(again, Date.now());
    t.diagnostic(`the standby took over ${paused.toFixed(2)} s after the leader was paused`);
    assert.match(again.output(), /^leading postgres:\/\/\S+ \(lease token 3\)$/m);
    b.child.kill('SIGCONT');
    const woken = await b.done;
    assert.equal(woken.code, 1, diagnostics());
    assert.match(woken.stderr, /lost the lead of postgres:\/\/\S+: another coordinator took the lead .*; stopping/);

    const finished = await completeAtLeast(TRIALS, 'the budget under the third leader', again);
    assert.deepEqual(
      finished.map((trial) => trial.number),
      Array.from({ length: TRIALS }, (_, i) => i),
      'each trial number once: none created twice across the takeovers',
    );
    assert.ok(finished.every((trial) => trial.state === 'COMPLETE'));
    for (const trial of before.filter((each) => each.state === 'COMPLETE')) {
      assert.deepEqual(
        finished.find((each) => each.number === trial.number),
        trial,
        `trial ${trial.number}, finished before the first takeover, is as it was`,
      );
    }
    const exported = await runCli(['export', 'failover', '--db', db, '--epochs', '--format', 'json']);
    assert.equal(exported.code, 0, exported.stderr);
    const epochs = JSON.parse(exported.stdout) as EpochJson[];
    for (const trial of finished) {
      assert.deepEqual(
        epochs.filter((row) => row.number === trial.number).map((row) => row.epoch),
        Array.from({ length: EPOCHS }, (_, i) => i + 1),
        `trial ${trial.number} has each of its epochs once`,
      );
    }
    let adopted = 0;
    for (const worker of workers) {
      const registrations = readFileSync(worker.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"registered with the coordinator"'))
        .map((line) => JSON.parse(line) as { coordinator: string; adopted: number });
      const coordinators = registrations.map((registration) => registration.coordinator);
      assert.ok(coordinators.includes(`127.0.0.1:${portB}`), `${worker.logFile}: registered with the second leader`);
      assert.equal(coordinators.at(-1), `127.0.0.1:${portA}`, `${worker.logFile}: registered with the third leader last`);
      adopted += registrations.slice(1).reduce((sum, registration) => sum + registration.adopted, 0);
    }
    // Runs the workers held through a takeover went on there: the new leader took them back.
    assert.ok(adopted > 0, 'the new leaders took back runs the workers still held');

    for (const worker of workers) worker.child.kill('SIGTERM');
    again.child.kill('SIGTERM');
    assert.equal((await again.done).code, 0, diagnostics());
    for (const worker of workers) assert.equal((await worker.done).code, 0, diagnostics());
    // A leader that drains gives the lead back: a standby would take it at its next look, not a lease later.
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      const { rows } = await client.query<{ token: string; expired: boolean }>(
        'SELECT token, expires_at <= clock_timestamp() AS expired FROM coordinator_lease',
      );
      assert.deepEqual(rows, [{ token: '3', expired: true }]);
    } finally {
      await client.end();
    }
  });
});
