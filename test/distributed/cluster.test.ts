import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ChannelCredentials } from '@grpc/grpc-js';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess, waitFor, writeSyntheticSweep } from '../helpers/cluster.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('a coordinator and worker processes on loopback', () => {
  test('two studies share two workers, reach their budgets, and everything stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const db = join(dir, 'cluster.db');
    const coordinator = await startCoordinatorProcess(dir, db);
    const workers = [
      startWorkerProcess(dir, coordinator.address, ['--threads', '3'], 'w1'),
      startWorkerProcess(dir, coordinator.address, ['--threads', '3'], 'w2'),
    ];
    const diagnostics = (): string => [coordinator, ...workers].map((p) => `--- ${p.logFile}\n${p.logTail()}`).join('\n');

    const a = writeSyntheticSweep(dir, 'alpha', { trials: 12, epochs: 3, epochSeconds: 0.5 });
    const b = writeSyntheticSweep(dir, 'beta', { trials: 12, epochs: 3, epochSeconds: 0.5 });
    const submitted = await runCli(['submit', a, '--coordinator', coordinator.address]);
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stdout, /submitted study alpha \(12 trials\) to 127\.0\.0\.1:\d+/);
    const second = await runCli(['submit', b, '--coordinator', coordinator.address, '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), { study: 'beta', budget: 12, coordinator: coordinator.address });

    // While both run, the coordinator's status shows both workers and runs of both studies.
    const client = new CoordinatorClient({ address: coordinator.address, credentials: ChannelCredentials.createInsecure() });
    const seen = new Set<string>();
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const status = await client.status();
        for (const run of status.runs) seen.add(run.run?.study ?? '');
        if (status.workers.length === 2 && seen.size === 2) {
          assert.ok(status.workers.every((w) => w.threads === 3 && w.connected));
          break;
        }
        assert.ok(Date.now() < deadline, `both workers busy with both studies\n${diagnostics()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      client.close();
    }

    for (const study of ['alpha', 'beta']) {
      const trials = await waitFor(
        `${study} to finish`,
        () => {
          const ts = readTrials(db, study);
          return ts.filter((t) => t.state === 'COMPLETE').length === 12 && ts;
        },
        60_000,
        diagnostics,
      );
      assert.equal(trials.length, 12, 'no trial beyond the budget');
      assert.ok(trials.every((t) => t.attempt === 1 && t.value !== null && t.epochs === 3));
    }
    const workersUsed = new Set([...readTrials(db, 'alpha'), ...readTrials(db, 'beta')].map((t) => t.worker));
    assert.equal(workersUsed.size, 2, `both workers ran trials: ${[...workersUsed].join(', ')}`);

    const status = await runCli(['status', '--coordinator', coordinator.address]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /2 workers, 0\/6 threads busy/);
    assert.match(status.stdout, /alpha .*12\/12/);

    for (const worker of workers) worker.child.kill('SIGTERM');
    for (const worker of workers) {
      const result = await worker.done;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /worker stopped/);
    }
    coordinator.child.kill('SIGTERM');
    const stopped = await coordinator.done;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /coordinator stopped/);
  });
});

describe('pruning across the wire', () => {
  test("the coordinator's answer to an epoch report stops a pruned trial on its worker", async () => {
    const dir = tempDir();
    const db = join(dir, 'pruning.db');
    const coordinator = await startCoordinatorProcess(dir, db);
    const worker = startWorkerProcess(dir, coordinator.address, ['--threads', '2'], 'worker');
    const pruner = 'pruner:\n  type: median\n  n_startup_trials: 3\n  n_warmup_steps: 1';
    const file = writeSyntheticSweep(dir, 'pruned', { trials: 16, epochs: 8, epochSeconds: 0.05, extra: pruner });
    assert.equal((await runCli(['submit', file, '--coordinator', coordinator.address])).code, 0);
    const trials = await waitFor(
      'the budget',
      () => {
        const ts = readTrials(db, 'pruned');
        return ts.filter((t) => ['COMPLETE', 'PRUNED'].includes(t.state)).length === 16 && ts;
      },
      60_000,
      () => `${coordinator.logTail()}\n${worker.logTail()}`,
    );
    const pruned = trials.filter((t) => t.state === 'PRUNED');
    assert.ok(pruned.length >= 1, 'some trials were pruned');
    for (const trial of pruned) {
      const at = Number(/^pruned at epoch (\d+): /.exec(trial.reason ?? '')?.[1]);
      assert.ok(at >= 1 && at < 8, trial.reason ?? '');
      assert.equal(trial.epochs, at, `trial ${trial.number} stopped at the epoch it was pruned at, not later`);
    }
    worker.child.kill('SIGTERM');
    coordinator.child.kill('SIGTERM');
    assert.equal((await coordinator.done).code, 0);
  });
});
