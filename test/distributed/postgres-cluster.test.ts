import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { freePort } from '../helpers/free-port.js';
import { SweeperProcess } from '../helpers/sweeper-process.js';
import { startCoordinatorProcess, startWorkerProcess, writeSyntheticSweep, type ClusterProcess } from '../helpers/cluster.js';
import { PostgresServer, postgresSkip } from '../helpers/postgres-server.js';
import { trialsJson, type EpochJson } from '../helpers/study-json.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * Issue 17, point 2: every reading command works on the store while the sweep runs, each on
 * connections of its own as from another machine: show, report, and the dashboard's JSON.
 */
async function readersWhileRunning(db: string, study: string, dir: string, signal: AbortSignal): Promise<void> {
  const shown = await runCli(['show', study, '0', '--db', db]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`trial 0 of study ${study}`));
  const report = join(dir, 'report.html');
  const reported = await runCli(['report', study, '-o', report, '--db', db]);
  assert.equal(reported.code, 0, reported.stderr);
  assert.match(readFileSync(report, 'utf8'), new RegExp(`<title>[^<]*${study}`));
  const port = await freePort();
  const dashboard = new SweeperProcess('dashboard', ['dashboard', '--db', db, '--listen', `127.0.0.1:${port}`]);
  try {
    await dashboard.waitForOutput(/dashboard on \S+/, signal);
    const response = await fetch(`http://127.0.0.1:${port}/api/studies/${study}`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /"COMPLETE"/);
  } finally {
    assert.equal((await dashboard.stop('SIGTERM')).code, 0);
  }
}

let server: PostgresServer | undefined;
after(async () => server?.close());

// Runs the cluster of docs/store.md's PostgreSQL section: `sweeper coordinator --db postgres://...` with workers, then the readers.
describe('a cluster on a PostgreSQL store', { skip: postgresSkip() }, () => {
  test('the server crashes mid-sweep and comes back: the coordinator waits and goes on, every trial counted once with all its epochs, no password shown', async (t) => {
    server = await PostgresServer.start();
    const db = server.database('cluster');
    const dir = tempDir();
    const coordinator = await startCoordinatorProcess(dir, db, ['--lease-timeout', '3', '--checkpoints', join(dir, 'checkpoints')]);
    const workers: ClusterProcess[] = [
      startWorkerProcess(dir, coordinator.address, ['--threads', '2'], 'w1'),
      startWorkerProcess(dir, coordinator.address, ['--threads', '2'], 'w2'),
    ];
    const diagnostics = (): string => [coordinator, ...workers].map((p) => `--- ${p.logFile}\n${p.logTail()}`).join('\n');
    const file = writeSyntheticSweep(dir, 'outage', { trials: 20, epochs: 5, epochSeconds: 0.3 });
    const submitted = await runCli(['submit', file, '--coordinator', coordinator.address]);
    assert.equal(submitted.code, 0, submitted.stderr);

    await until(async () => ((await trialsJson(db, 'outage')) ?? []).filter((trial) => trial.state === 'COMPLETE').length >= 4, {
      what: 'four trials finished before the crash',
      signal: t.signal,
      check: () => assert.equal(coordinator.child.exitCode, null, diagnostics()),
    });
    await readersWhileRunning(db, 'outage', dir, t.signal);
    await server.kill();
    // Trials go on training on the workers while the database is down; their reports wait.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await server.resume();

    const finished = await until(
      async () => {
        const now = await trialsJson(db, 'outage');
        return now !== undefined && now.length === 20 && now.every((trial) => trial.state === 'COMPLETE') && now;
      },
      {
        what: 'the budget after the restart',
        signal: t.signal,
        check: () => assert.equal(coordinator.child.exitCode, null, diagnostics()),
      },
    );
    assert.deepEqual(
      finished.map((trial) => trial.number),
      Array.from({ length: 20 }, (_, i) => i),
      'each trial number once: none created twice across the outage',
    );
    assert.ok(finished.every((trial) => trial.value !== null && trial.epochs === 5));
    const exported = await runCli(['export', 'outage', '--db', db, '--epochs', '--format', 'json']);
    assert.equal(exported.code, 0, exported.stderr);
    const epochs = JSON.parse(exported.stdout) as EpochJson[];
    for (const trial of finished) {
      assert.deepEqual(
        epochs.filter((row) => row.number === trial.number).map((row) => row.epoch),
        [1, 2, 3, 4, 5],
        `trial ${trial.number} has each of its epochs once`,
      );
    }
    assert.match(readFileSync(coordinator.logFile, 'utf8'), /out of reach/, 'the coordinator said it was waiting for the server');
    const best = await runCli(['best', 'outage', '--db', db]);
    assert.equal(best.code, 0, best.stderr);
    assert.match(best.stdout, /best 5 of study outage by val_loss/);
    assert.match(best.stdout, /│ 1 +│ \d+ +│ COMPLETE │/);

    coordinator.child.kill('SIGTERM');
    for (const worker of workers) worker.child.kill('SIGTERM');
    const ended = await coordinator.done;
    assert.equal(ended.code, 0, diagnostics());
    for (const text of [ended.stdout, ended.stderr, ...[coordinator, ...workers].map((p) => readFileSync(p.logFile, 'utf8'))])
      assert.ok(!text.includes(PostgresServer.password), 'the password is never printed or logged');
    assert.match(ended.stdout, /store postgres:\/\/sweeper@127\.0\.0\.1:\d+\/cluster/);
  });
});
