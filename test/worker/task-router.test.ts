import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { EpochReport } from '../../src/core/run-report.js';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING } from '../../src/training/settings.js';
import { TaskRouter } from '../../worker/task-router.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const base = {
  study: 'router-test',
  trialNumber: 0,
  attempt: 1,
  repeat: 0,
  seed: 3,
  objective: { metric: 'val_accuracy', direction: 'maximize' },
} as const;

const synthetic: RunAssignment = {
  ...base,
  params: { x: 0.25 },
  task: { type: 'synthetic', epochs: 3, epochSeconds: 0, noise: 0, optimum: { x: 0 }, scales: { x: { low: -1, high: 1, log: false } } },
};

const training: RunAssignment = {
  ...base,
  params: { learning_rate: 0.01 },
  task: {
    type: 'train',
    dataset: { name: 'bundled-mnist', limit: 1200, validation: 200, test: 0, seed: 1 },
    model: { ...DEFAULT_MODEL, depth: 1, width: 16 },
    training: { ...DEFAULT_TRAINING, epochs: 1 },
  },
};

function collect(): { reports: EpochReport[]; listener: { onEpoch: (r: EpochReport) => 'continue' } } {
  const reports: EpochReport[] = [];
  return { reports, listener: { onEpoch: (r) => (reports.push(r), 'continue') } };
}

describe('TaskRouter', () => {
  test('runs synthetic assignments without starting any thread', async () => {
    const router = new TaskRouter({ threads: 2, logger: silentLogger() });
    const { reports, listener } = collect();
    assert.equal((await router.run(synthetic, listener, new AbortController().signal)).status, 'finished');
    assert.deepEqual(
      reports.map((r) => r.epoch),
      [1, 2, 3],
    );
    assert.equal(reports[2]?.metrics.valLoss, (0.25 / 2) ** 2 + 1 / 3);
    assert.equal(router.startedThreads, false);
    await router.close();
  });

  test('starts the thread pool on the first training assignment, and runs both kinds', async () => {
    const router = new TaskRouter({ threads: 1, backend: 'wasm', logger: silentLogger() });
    try {
      const trained = collect();
      const [train, synth] = await Promise.all([
        router.run(training, trained.listener, new AbortController().signal),
        router.run(synthetic, collect().listener, new AbortController().signal),
      ]);
      assert.equal(train.status, 'finished');
      assert.equal(synth.status, 'finished');
      assert.equal(router.startedThreads, true);
      assert.ok((trained.reports[0]?.metrics.valAccuracy ?? 0) > 0.3, 'it really trained');
    } finally {
      await router.close();
    }
    assert.deepEqual(await router.run(training, collect().listener, new AbortController().signal), {
      status: 'error',
      message: 'the worker is closed',
    });
  });

  test('runs a module task on its own threads, without starting the training pool', async () => {
    const module = join(tempDir('sweeper-router-'), 'train.mjs');
    writeFileSync(module, `export async function train(params, context) { await context.report(1, { val_accuracy: params.x }); }`);
    const router = new TaskRouter({ threads: 1, logger: silentLogger() });
    try {
      const { reports, listener } = collect();
      const outcome = await router.run(
        { ...base, params: { x: 0.25 }, task: { type: 'module', module, export: 'train' } },
        listener,
        new AbortController().signal,
      );
      assert.equal(outcome.status, 'finished');
      assert.equal(reports[0]?.metrics.valAccuracy, 0.25);
      assert.equal(router.startedThreads, false);
    } finally {
      await router.close();
    }
  });

  test('capacity and options', () => {
    assert.equal(new TaskRouter({ threads: 2, logger: silentLogger() }).capacity, 2, 'synthetic slots default to the threads');
    assert.equal(new TaskRouter({ threads: 2, syntheticSlots: 500, logger: silentLogger() }).capacity, 500);
    assert.throws(() => new TaskRouter({ threads: 0, logger: silentLogger() }), {
      name: 'TypeError',
      message: 'options.threads must be a positive integer, but got 0',
    });
    assert.throws(() => new TaskRouter({ syntheticSlots: 0.5, logger: silentLogger() }), {
      name: 'TypeError',
      message: 'options.syntheticSlots must be a positive integer, but got 0.5',
    });
  });
});
