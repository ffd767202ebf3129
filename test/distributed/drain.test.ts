import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess, waitFor, writeSyntheticSweep } from '../helpers/cluster.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('SIGTERM drains', () => {
  test('a worker stops taking work, finishes what it can in its drain time, hands the rest back, and exits 0', async () => {
    const dir = tempDir();
    const db = join(dir, 'worker-drain.db');
    // One attempt only: a hand-back must not count as a lost attempt, or these trials would fail.
    const coordinator = await startCoordinatorProcess(dir, db, ['--max-attempts', '1']);
    const leaving = startWorkerProcess(dir, coordinator.address, ['--threads', '2', '--drain-timeout', '0.3'], 'leaving');
    const file = writeSyntheticSweep(dir, 'drain', { trials: 6, epochs: 8, epochSeconds: 0.25 });
    assert.equal((await runCli(['submit', file, '--coordinator', coordinator.address])).code, 0);
    const leavingName = `${hostname()}:${leaving.child.pid}`;
    await waitFor(
      'two trials running on the leaving worker',
      () => readTrials(db, 'drain').filter((t) => t.state === 'RUNNING' && t.worker === leavingName).length === 2,
    );

    leaving.child.kill('SIGTERM');
    const left = await leaving.done;
    assert.equal(left.code, 0, left.stderr);
    assert.match(left.stderr, /SIGTERM: draining/);
    const handedBack = readTrials(db, 'drain').filter((t) => t.state === 'QUEUED');
    assert.equal(handedBack.length, 2, 'both running trials went back to the queue');
    for (const trial of handedBack) assert.match(trial.reason ?? '', /handed attempt 1 back: it is shutting down/);

    const staying = startWorkerProcess(dir, coordinator.address, ['--threads', '2'], 'staying');
    const trials = await waitFor(
      'the budget',
      () => {
        const ts = readTrials(db, 'drain');
        return ts.filter((t) => t.state === 'COMPLETE').length === 6 && ts;
      },
      60_000,
      () => `${coordinator.logTail()}\n${staying.logTail()}`,
    );
    assert.equal(trials.length, 6);
    for (const trial of handedBack)
      assert.equal(trials.find((t) => t.number === trial.number)?.attempt, 2, 'a handed-back trial runs again');
    staying.child.kill('SIGTERM');
    coordinator.child.kill('SIGTERM');
    assert.equal((await coordinator.done).code, 0);
  });

  test('a coordinator drains on SIGTERM, and one started later on the same store carries the study to its budget', async () => {
    const dir = tempDir();
    const db = join(dir, 'coordinator-drain.db');
    const first = await startCoordinatorProcess(dir, db, ['--drain-timeout', '0.2'], 'first');
    const worker = startWorkerProcess(dir, first.address, ['--threads', '3'], 'worker');
    const file = writeSyntheticSweep(dir, 'later', { trials: 9, epochs: 8, epochSeconds: 0.25 });
    assert.equal((await runCli(['submit', file, '--coordinator', first.address])).code, 0);
    await waitFor('three trials running', () => readTrials(db, 'later').filter((t) => t.state === 'RUNNING').length === 3);

    first.child.kill('SIGTERM');
    const stopped = await first.done;
    assert.equal(stopped.code, 0, stopped.stderr);
    const afterDrain = readTrials(db, 'later');
    assert.equal(afterDrain.filter((t) => t.state === 'RUNNING').length, 0, 'nothing is left RUNNING by a drain');
    assert.ok(
      afterDrain.filter((t) => t.state === 'QUEUED').length >= 1,
      'trials still running at the end of the drain went back to the queue',
    );

    const second = await startCoordinatorProcess(dir, db, ['--listen', first.address], 'second');
    const trials = await waitFor(
      'the budget',
      () => {
        const ts = readTrials(db, 'later');
        return ts.filter((t) => t.state === 'COMPLETE').length === 9 && ts;
      },
      60_000,
      () => `${second.logTail()}\n${worker.logTail()}`,
    );
    assert.equal(trials.length, 9);
    worker.child.kill('SIGTERM');
    second.child.kill('SIGTERM');
    assert.equal((await second.done).code, 0);
  });
});
