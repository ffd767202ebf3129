import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess, type ClusterProcess, type CoordinatorProcess } from '../helpers/cluster.js';
import { PBT_SWEEP, POPULATION, readPbtStored, segmentCount, type PbtStored } from '../helpers/pbt-study.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * Issue 16, point 6: a PBT sweep runs on a cluster like any sweep and survives the same faults: a
 * worker SIGKILLed while it trains members, and the coordinator SIGKILLed with its worker. What
 * was lost is re-queued and goes on from its checkpoints; the members that reached the next
 * decision point wait for it there. Every decision and every metric is the one of the same sweep
 * run whole on one machine.
 */
describe('Population Based Training on a cluster (real processes, real training)', () => {
  const dir = tempDir('sweeper-pbt-cluster-');
  writeFileSync(join(dir, 'pbt.yaml'), PBT_SWEEP);
  let reference: PbtStored;

  /** Waits for every member to complete, failing at once on an error in the coordinator's log. */
  function untilComplete(db: string, coordinator: CoordinatorProcess, signal: AbortSignal): Promise<true> {
    return until(() => readTrials(db, 'lr').every((trial) => trial.state === 'COMPLETE') || undefined, {
      what: 'the population to complete',
      signal,
      intervalMs: 250,
      check: () => assert.doesNotMatch(coordinator.logTail(5), /"level":50/),
    });
  }

  /** A coordinator on `db` with a worker of 2 threads per name, the sweep submitted, once its first decision point is recorded. */
  async function startPopulation(
    db: string,
    names: { coordinator: string; workers: readonly string[] },
    signal: AbortSignal,
  ): Promise<{ coordinator: CoordinatorProcess; workers: ClusterProcess[] }> {
    const coordinator = await startCoordinatorProcess(dir, db, [], names.coordinator);
    const workers = names.workers.map((name) => startWorkerProcess(dir, coordinator.address, ['--threads', '2'], name));
    const submitted = await runCli(['submit', join(dir, 'pbt.yaml'), '--coordinator', coordinator.address]);
    assert.equal(submitted.code, 0, submitted.stderr);
    await until(() => segmentCount(db) >= POPULATION || undefined, { what: 'the first decision point', signal, intervalMs: 10 });
    return { coordinator, workers };
  }

  /** The store alone carries the population over (trials, epochs, checkpoints, decisions): a new coordinator and worker finish it as one machine did. */
  async function finishOnNewCoordinator(db: string, signal: AbortSignal): Promise<void> {
    assert.ok(segmentCount(db) < 3 * POPULATION, 'stopped before the last decision point');
    const restarted = await startCoordinatorProcess(dir, db, [], `${basename(db, '.db')}-new-coordinator`);
    startWorkerProcess(dir, restarted.address, ['--threads', '2'], `${basename(db, '.db')}-new-worker`);
    await untilComplete(db, restarted, signal);
    assert.deepEqual(readPbtStored(db, 'lr'), reference);
    restarted.child.kill('SIGTERM');
    await restarted.done;
  }

  test('the same sweep run whole on one machine, as the reference', { timeout: 5 * 60_000 }, async () => {
    const local = await runCli(['run', 'pbt.yaml', '--db', 'local.db', '--threads', '2', '--no-progress'], { cwd: dir });
    assert.equal(local.code, 0, local.stderr);
    reference = readPbtStored(join(dir, 'local.db'), 'lr');
  });

  test('a worker SIGKILLed mid-sweep: the population goes on without it, bit-identical', { timeout: 10 * 60_000 }, async (t) => {
    const db = join(dir, 'cluster.db');
    const { coordinator, workers } = await startPopulation(db, { coordinator: 'coordinator', workers: ['doomed', 'surviving'] }, t.signal);
    const [doomed, surviving] = workers as [ClusterProcess, ClusterProcess];
    // Killed while it trains members: what it held must be taken back. The other worker is paused
    // meanwhile, so that the population cannot reach its last decision point before the kill; the
    // store is polled (10 ms) rather than the status (half a second a call through the CLI), since
    // a member's segment takes a tenth of a second on a fast machine.
    surviving.child.kill('SIGSTOP');
    const doomedName = new RegExp(`:${doomed.child.pid}$`);
    await until(() => readTrials(db, 'lr').some((trial) => trial.state === 'RUNNING' && doomedName.test(trial.worker ?? '')) || undefined, {
      what: 'the doomed worker to train a member',
      signal: t.signal,
      intervalMs: 10,
    });
    doomed.child.kill('SIGKILL');
    await doomed.done;
    surviving.child.kill('SIGCONT');
    assert.ok(segmentCount(db) < 3 * POPULATION, 'killed before the last decision point');
    await untilComplete(db, coordinator, t.signal);
    const trials = readTrials(db, 'lr');
    assert.ok(
      trials.some((trial) => trial.attempt === 2),
      `some member was lost with the worker and ran again: ${JSON.stringify(trials.map((tr) => tr.attempt))}`,
    );
    assert.match(readFileSync(coordinator.logFile, 'utf8'), /"msg":"repeat goes on from its checkpoint"/);
    assert.deepEqual(readPbtStored(db, 'lr'), reference);
    coordinator.child.kill('SIGTERM');
    await coordinator.done;
  });

  test(
    'the coordinator and its worker SIGKILLed after a decision point: a new coordinator on the store and a new worker finish it, bit-identical',
    { timeout: 10 * 60_000 },
    async (t) => {
      const db = join(dir, 'crash.db');
      const { coordinator, workers } = await startPopulation(db, { coordinator: 'crashed', workers: ['crashed-worker'] }, t.signal);
      for (const proc of [coordinator, ...workers]) proc.child.kill('SIGKILL');
      await Promise.all([coordinator.done, ...workers.map((worker) => worker.done)]);
      await finishOnNewCoordinator(db, t.signal);
    },
  );

  test(
    'the coordinator drained (SIGTERM) after a decision point: members go back to the queue at the next one, and a new coordinator finishes it, bit-identical',
    { timeout: 10 * 60_000 },
    async (t) => {
      const db = join(dir, 'drain.db');
      const { coordinator, workers } = await startPopulation(db, { coordinator: 'drained', workers: ['first-worker'] }, t.signal);
      coordinator.child.kill('SIGTERM');
      const drained = await coordinator.done;
      assert.equal(drained.code, 0, coordinator.logTail());
      for (const worker of workers) worker.child.kill('SIGTERM');
      await Promise.all(workers.map((worker) => worker.done));
      const states = readTrials(db, 'lr').map((trial) => trial.state);
      assert.deepEqual(
        states.filter((state) => state !== 'QUEUED'),
        [],
        'a member waits at its decision point in the queue, not RUNNING, and none ran to its end',
      );
      await finishOnNewCoordinator(db, t.signal);
    },
  );
});
