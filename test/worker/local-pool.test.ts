import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { EpochReport } from '../../src/core/run-report.js';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING } from '../../src/training/settings.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import { LocalPool } from '../../worker/local-pool.js';
import { silentLogger } from '../helpers/silent-logger.js';

const datasets = new DatasetCache();
const pool = new LocalPool({ threads: 2, backend: 'wasm', logger: silentLogger(), datasets });
after(() => pool.close());

function assignment(overrides: Partial<Omit<RunAssignment, 'task'>> = {}, epochs = 2): RunAssignment & { task: TrainingTask } {
  return {
    study: 'pool-test',
    trialNumber: 0,
    attempt: 1,
    repeat: 0,
    seed: 3,
    params: { learning_rate: 0.01 },
    task: {
      type: 'train',
      dataset: { name: 'bundled-mnist', limit: 1200, validation: 200, test: 0, seed: 1 },
      model: { ...DEFAULT_MODEL, depth: 1, width: 16 },
      training: { ...DEFAULT_TRAINING, epochs },
    },
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    ...overrides,
  };
}

function collect(): { reports: EpochReport[]; listener: { onEpoch: (r: EpochReport) => Promise<'continue'> } } {
  const reports: EpochReport[] = [];
  return {
    reports,
    listener: {
      onEpoch: async (r) => {
        // A slow handler (as a store write can be) must not let the outcome overtake it.
        await new Promise((resolve) => setTimeout(resolve, 20));
        reports.push(r);
        return 'continue';
      },
    },
  };
}

describe('LocalPool', () => {
  test('trains in worker threads and streams every epoch before the outcome', async () => {
    const { reports, listener } = collect();
    const outcome = await pool.run(assignment({}, 3), listener, new AbortController().signal);
    assert.equal(outcome.status, 'finished');
    assert.deepEqual(
      reports.map((r) => r.epoch),
      [1, 2, 3],
    );
    assert.ok((reports[2]?.metrics.valAccuracy ?? 0) > 0.6);
  });

  test('runs as many trials at once as it has threads, each with its own result', async () => {
    const a = collect();
    const b = collect();
    const [x, y] = await Promise.all([
      pool.run(assignment({ trialNumber: 1, seed: 1 }), a.listener, new AbortController().signal),
      pool.run(assignment({ trialNumber: 2, seed: 2 }), b.listener, new AbortController().signal),
    ]);
    assert.equal(x.status, 'finished');
    assert.equal(y.status, 'finished');
    assert.notDeepEqual(
      a.reports.map((r) => r.metrics.valLoss),
      b.reports.map((r) => r.metrics.valLoss),
    );
  });

  test('the data is loaded once and shared with the threads through shared memory', async () => {
    const split = await datasets.load(assignment().task.dataset);
    assert.ok(split.train.images.buffer instanceof SharedArrayBuffer);
    assert.ok(split.train.labels.buffer instanceof SharedArrayBuffer);
    assert.equal(await datasets.load(assignment().task.dataset), split, 'the same split object, not a reload');
  });

  test('an abort stops the run within a batch', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const outcome = await pool.run(
      assignment({}, 50),
      {
        onEpoch: () => {
          controller.abort();
          return 'continue';
        },
      },
      controller.signal,
    );
    assert.deepEqual(outcome.status === 'stopped' && outcome.epochs, 1);
    assert.ok(Date.now() - started < 20_000, 'it did not train 50 epochs');
  });

  test('a "stop" decision from the listener ends the run after that epoch', async () => {
    const reports: EpochReport[] = [];
    const outcome = await pool.run(
      assignment({}, 5),
      { onEpoch: (r) => (reports.push(r), r.epoch >= 2 ? 'stop' : 'continue') },
      new AbortController().signal,
    );
    assert.deepEqual(outcome.status === 'stopped' && outcome.epochs, 2);
    assert.equal(reports.length, 2);
  });

  test('a bad assignment is an error outcome, and the pool keeps working', async () => {
    const outcome = await pool.run(assignment({ params: { learning_rate: -1 } }), collect().listener, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'error', message: 'parameter learning_rate cannot be -1' });
    assert.equal((await pool.run(assignment(), collect().listener, new AbortController().signal)).status, 'finished');
  });

  test('options are checked up front', () => {
    assert.throws(() => new LocalPool({ threads: 0, logger: silentLogger() }), {
      name: 'TypeError',
      message: 'options.threads must be a positive integer, but got 0',
    });
  });
});
