import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess, waitFor, writeSyntheticSweep, type ClusterProcess } from '../helpers/cluster.js';
import { readTrials, type TrialRow } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

const complete = (trials: readonly TrialRow[]): TrialRow[] => trials.filter((t) => t.state === 'COMPLETE');

function assertCountedOnce(trials: readonly TrialRow[], budget: number): void {
  assert.equal(trials.length, budget, 'exactly the budget: no trial was created twice');
  assert.deepEqual(
    trials.map((t) => t.number),
    Array.from({ length: budget }, (_, i) => i),
    'trial numbers are unique and in order',
  );
  assert.ok(
    trials.every((t) => t.state === 'COMPLETE' && t.value !== null),
    'every trial finished with one result',
  );
}

describe('crashes with real processes', () => {
  test('a worker killed with SIGKILL mid-trial: its trial runs again elsewhere, nothing is counted twice or lost', async () => {
    const dir = tempDir();
    const db = join(dir, 'worker-crash.db');
    const coordinator = await startCoordinatorProcess(dir, db, ['--lease-timeout', '1.5']);
    const doomed = startWorkerProcess(dir, coordinator.address, ['--threads', '2'], 'doomed');
    const survivor = startWorkerProcess(dir, coordinator.address, ['--threads', '2'], 'survivor');
    const diagnostics = (): string => [coordinator, doomed, survivor].map((p) => `--- ${p.logFile}\n${p.logTail()}`).join('\n');
    const file = writeSyntheticSweep(dir, 'crash', { trials: 12, epochs: 4, epochSeconds: 0.25 });
    assert.equal((await runCli(['submit', file, '--coordinator', coordinator.address])).code, 0);

    const doomedName = `${hostname()}:${doomed.child.pid}`;
    await waitFor(
      'a trial running on the doomed worker, some finished',
      () => {
        const trials = readTrials(db, 'crash');
        return complete(trials).length >= 2 && trials.some((t) => t.state === 'RUNNING' && t.worker === doomedName);
      },
      30_000,
      diagnostics,
    );
    const finishedBefore = complete(readTrials(db, 'crash'));
    doomed.child.kill('SIGKILL');

    const trials = await waitFor(
      'the budget',
      () => {
        const ts = readTrials(db, 'crash');
        return complete(ts).length === 12 && ts;
      },
      60_000,
      diagnostics,
    );
    assertCountedOnce(trials, 12);
    const rerun = trials.filter((t) => t.attempt === 2);
    assert.ok(rerun.length >= 1, "the killed worker's trials ran again as attempt 2");
    for (const before of finishedBefore) {
      assert.deepEqual(
        trials.find((t) => t.number === before.number),
        before,
        `finished trial ${before.number} is unchanged`,
      );
    }
    coordinator.child.kill('SIGTERM');
    survivor.child.kill('SIGTERM');
    assert.equal((await coordinator.done).code, 0);
  });

  test('a coordinator killed with SIGKILL and started again: workers come back, running trials are taken back, the study reaches its budget', async () => {
    const dir = tempDir();
    const db = join(dir, 'coordinator-crash.db');
    const first = await startCoordinatorProcess(dir, db, ['--lease-timeout', '3'], 'first');
    const workers: ClusterProcess[] = [
      startWorkerProcess(dir, first.address, ['--threads', '2'], 'w1'),
      startWorkerProcess(dir, first.address, ['--threads', '2'], 'w2'),
    ];
    const file = writeSyntheticSweep(dir, 'restart', { trials: 12, epochs: 6, epochSeconds: 0.25 });
    assert.equal((await runCli(['submit', file, '--coordinator', first.address])).code, 0);
    const diagnostics = (): string => [first, ...workers].map((p) => `--- ${p.logFile}\n${p.logTail()}`).join('\n');

    const atCrash = await waitFor(
      'a few finished, four running',
      () => {
        const trials = readTrials(db, 'restart');
        return complete(trials).length >= 2 && trials.filter((t) => t.state === 'RUNNING').length === 4 && trials;
      },
      30_000,
      diagnostics,
    );
    first.child.kill('SIGKILL');
    await first.done;
    const runningAtCrash = atCrash.filter((t) => t.state === 'RUNNING').map((t) => t.number);

    // Same store, same address: the workers reconnect by themselves.
    const second = await startCoordinatorProcess(dir, db, ['--listen', first.address, '--lease-timeout', '3'], 'second');
    const trials = await waitFor(
      'the budget after the restart',
      () => {
        const ts = readTrials(db, 'restart');
        return complete(ts).length === 12 && ts;
      },
      60_000,
      () => `${diagnostics()}\n--- second\n${second.logTail()}`,
    );
    assertCountedOnce(trials, 12);
    for (const before of complete(atCrash)) {
      assert.deepEqual(
        trials.find((t) => t.number === before.number),
        before,
        `finished trial ${before.number} is unchanged`,
      );
    }
    const takenBack = trials.filter((t) => runningAtCrash.includes(t.number) && t.attempt === 1);
    assert.ok(
      takenBack.length >= 1,
      `trials running at the crash (${runningAtCrash.join(', ')}) were taken back, not re-run: ${JSON.stringify(trials.filter((t) => runningAtCrash.includes(t.number)))}`,
    );
    assert.ok(
      workers.every((w) => w.child.exitCode === null),
      'the workers kept running through the outage',
    );

    for (const worker of workers) worker.child.kill('SIGTERM');
    second.child.kill('SIGTERM');
    assert.equal((await second.done).code, 0);
  });
});
