import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EpochDecision, RunAssignment } from '../../src/execution/run-assignment.js';
import type { EpochReport } from '../../src/core/run-report.js';
import type { RunListener } from '../../src/execution/trial-executor.js';
import { syntheticMetrics } from '../../src/synthetic/synthetic-metrics.js';
import type { SyntheticTask } from '../../src/synthetic/synthetic-task.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING } from '../../src/training/settings.js';
import { SyntheticExecutor } from '../../worker/synthetic-executor.js';
import { silentLogger } from '../helpers/silent-logger.js';

function task(overrides: Partial<SyntheticTask> = {}): SyntheticTask {
  return {
    type: 'synthetic',
    epochs: 4,
    epochSeconds: 0,
    noise: 0,
    optimum: { x: 0, kind: 'a' },
    scales: { x: { low: -1, high: 1, log: false }, kind: { choices: ['a', 'b'] } },
    ...overrides,
  };
}

function assignment(overrides: Partial<SyntheticTask> = {}, trialNumber = 0): RunAssignment {
  return {
    study: 'synthetic-test',
    trialNumber,
    attempt: 1,
    repeat: 0,
    seed: 5,
    params: { x: 0.5, kind: 'b' },
    task: task(overrides),
    objective: { metric: 'val_loss', direction: 'minimize' },
  };
}

/** A listener that records reports and answers with `decide` after an optional delay. */
function recorder(
  decide: (report: EpochReport) => EpochDecision = () => 'continue',
  delayMs = 0,
): { reports: EpochReport[]; listener: RunListener } {
  const reports: EpochReport[] = [];
  return {
    reports,
    listener: {
      onEpoch: async (report) => {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        reports.push(report);
        return decide(report);
      },
    },
  };
}

const never = (): AbortSignal => new AbortController().signal;

describe('SyntheticExecutor', () => {
  test("reports every epoch in order, with the task's metrics, before the outcome", async () => {
    const executor = new SyntheticExecutor({ slots: 2 });
    const { reports, listener } = recorder(() => 'continue', 20);
    const run = assignment({ epochSeconds: 0.02 });
    const outcome = await executor.run(run, listener, never());
    assert.equal(outcome.status, 'finished');
    assert.equal(outcome.status === 'finished' && outcome.epochs, 4);
    assert.deepEqual(
      reports.map((r) => r.epoch),
      [1, 2, 3, 4],
      'every handler settled before the outcome',
    );
    for (const report of reports) {
      const { epochSeconds, ...metrics } = report.metrics;
      assert.deepEqual(metrics, syntheticMetrics(run.task as SyntheticTask, run.params, run.seed, report.epoch));
      assert.ok((epochSeconds ?? 0) >= 0.015, `an epoch sleeps its duration: ${epochSeconds}`);
    }
    assert.ok(outcome.status === 'finished' && outcome.trainSeconds >= 0.06);
    await executor.close();
  });

  test('a "stop" decision ends the run after that epoch', async () => {
    const executor = new SyntheticExecutor({ slots: 1 });
    const { reports, listener } = recorder((r) => (r.epoch >= 2 ? 'stop' : 'continue'));
    const outcome = await executor.run(assignment({ epochs: 10 }), listener, never());
    assert.equal(outcome.status, 'stopped');
    assert.equal(outcome.status === 'stopped' && outcome.epochs, 2);
    assert.equal(reports.length, 2);
  });

  test("an abort cuts an epoch's sleep short", async () => {
    const executor = new SyntheticExecutor({ slots: 1 });
    const controller = new AbortController();
    const { reports, listener } = recorder();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const outcome = await executor.run(assignment({ epochSeconds: 5 }), listener, controller.signal);
    const elapsed = Date.now() - started;
    assert.deepEqual(outcome.status === 'stopped' && outcome.epochs, 0);
    assert.equal(reports.length, 0);
    assert.ok(elapsed < 2000, `ended ${elapsed} ms after starting a 5 s epoch`);
    const aborted = await executor.run(assignment(), recorder().listener, controller.signal);
    assert.deepEqual(aborted, { status: 'stopped', epochs: 0, trainSeconds: 0 }, 'an already aborted run does not start');
  });

  test('an abort during an epoch handler stops the run after that epoch', async () => {
    const executor = new SyntheticExecutor({ slots: 1 });
    const controller = new AbortController();
    const outcome = await executor.run(assignment({ epochs: 5 }), { onEpoch: () => (controller.abort(), 'continue') }, controller.signal);
    assert.deepEqual(outcome.status === 'stopped' && outcome.epochs, 1);
  });

  test('zero-length epochs run thousands of runs quickly, many at once', async () => {
    const executor = new SyntheticExecutor({ slots: 500 });
    let epochs = 0;
    const listener: RunListener = { onEpoch: () => (epochs++, 'continue') };
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 5000 }, (_, i) => executor.run(assignment({ epochs: 3 }, i), listener, never())),
    );
    const seconds = (Date.now() - started) / 1000;
    assert.ok(outcomes.every((o) => o.status === 'finished'));
    assert.equal(epochs, 15_000);
    assert.ok(seconds < 20, `5,000 runs took ${seconds} s`);
  });

  test('runs beyond the slots wait for a free one', async () => {
    const executor = new SyntheticExecutor({ slots: 3 });
    let running = 0;
    let most = 0;
    const runOne = async (i: number): Promise<void> => {
      let started = false;
      const listener: RunListener = {
        onEpoch: () => {
          if (!started) {
            started = true;
            running++;
            most = Math.max(most, running);
          }
          return 'continue';
        },
      };
      await executor.run(assignment({ epochs: 2, epochSeconds: 0.01 }, i), listener, never());
      running--;
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => runOne(i)));
    assert.equal(most, 3);

    const busy = new SyntheticExecutor({ slots: 1 });
    const first = busy.run(assignment({ epochSeconds: 5 }), recorder().listener, never());
    const controller = new AbortController();
    const queued = busy.run(assignment(), recorder().listener, controller.signal);
    controller.abort();
    assert.deepEqual(await queued, { status: 'stopped', epochs: 0, trainSeconds: 0 }, 'a waiting run can be stopped');
    await busy.close();
    assert.equal((await first).status, 'stopped', 'close() stops running runs');
  });

  test('a failing epoch handler stops the run', async () => {
    const executor = new SyntheticExecutor({ slots: 1, logger: silentLogger() });
    const outcome = await executor.run(assignment(), { onEpoch: () => Promise.reject(new Error('store is gone')) }, never());
    assert.deepEqual(outcome.status === 'stopped' && outcome.epochs, 1);
  });

  test('bad assignments are error outcomes, at once', async () => {
    const executor = new SyntheticExecutor({ slots: 1 });
    const started = Date.now();
    const bad = { ...assignment({ epochSeconds: 5 }), params: { x: 'far' } };
    assert.deepEqual(await executor.run(bad, recorder().listener, never()), {
      status: 'error',
      message: 'parameter x must be a finite number, but got "far"',
    });
    assert.ok(Date.now() - started < 2000, 'no epoch was slept first');
    const training: RunAssignment = {
      ...assignment(),
      task: {
        type: 'train',
        dataset: { name: 'bundled-mnist', validation: 100, test: 0, seed: 1 },
        model: { ...DEFAULT_MODEL, depth: 1, width: 8 },
        training: { ...DEFAULT_TRAINING, epochs: 1 },
      },
    };
    assert.deepEqual(await executor.run(training, recorder().listener, never()), {
      status: 'error',
      message: 'the synthetic executor runs synthetic tasks only, but got a train task',
    });
    await executor.close();
    assert.deepEqual(await executor.run(assignment(), recorder().listener, never()), {
      status: 'error',
      message: 'the synthetic executor is closed',
    });
  });

  test('options are checked up front', () => {
    assert.equal(new SyntheticExecutor({ slots: 500 }).capacity, 500);
    for (const slots of [0, -1, 2.5, Number.NaN]) {
      assert.throws(() => new SyntheticExecutor({ slots }), {
        name: 'TypeError',
        message: `options.slots must be a positive integer, but got ${slots}`,
      });
    }
  });
});
