import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { StoreError } from '../../src/errors/store-error.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { Study } from '../../src/study/study.js';
import { SweepRunner } from '../../coordinator/sweep-runner.js';
import { LocalPool } from '../../worker/local-pool.js';
import { capturingLogger } from '../helpers/log-capture.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

/**
 * Issue 16, points 2 and 6: a PBT member whose checkpoint of a decision point could not be kept
 * (a full disk) cannot go on from its own state, so it goes on from the best member's; when no
 * member's could be kept, the sweep stops with the reason, its members back in the queue for
 * `resume`. Real training on a real pool, a real store.
 */
const dir = tempDir('sweeper-pbt-faults-');
const pool = new LocalPool({ threads: 2, backend: 'wasm', logger: silentLogger(), datasets: new DatasetCache() });
after(() => pool.close());
let stores = 0;

const SWEEP = tinySweepYaml({
  training: 'training:\n  epochs: 4\n  batch_size: 50\n  optimizer: sgd\n  learning_rate: 0.01',
  space: 'space:\n  learning_rate: { type: float, low: 0.001, high: 0.5, log: true }',
  budget: '',
  scheduler: 'scheduler: { type: pbt, population: 4, interval: 2 }',
});

/** What the store refuses, as a full disk would: checkpoints, or epochs, by trial id and epoch. */
interface Refusals {
  readonly checkpoint?: (trialId: number, epoch: number) => boolean;
  readonly epoch?: (trialId: number, epoch: number) => boolean;
}

async function newStudy(refuse: Refusals, sweep = SWEEP): Promise<{ study: Study; store: SqliteTrialStore }> {
  const store = SqliteTrialStore.open(join(dir, `pbt-${stores++}.db`));
  const diskFull = (): Promise<never> => Promise.reject(new StoreError('DISK_FULL', 'runs.db', 'no space left on device, ENOSPC'));
  const full: TrialStore = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'saveCheckpoint')
        return (...args: Parameters<TrialStore['saveCheckpoint']>) =>
          refuse.checkpoint?.(args[0], args[3].epoch) ? diskFull() : target.saveCheckpoint(...args);
      if (property === 'recordEpoch')
        return (...args: Parameters<TrialStore['recordEpoch']>) =>
          refuse.epoch?.(args[0], args[3]) ? diskFull() : target.recordEpoch(...args);
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const { definition, source } = parseSweep(sweep, 'pbt.yaml');
  return { study: await Study.createFromDefinition(full, definition, source), store };
}

describe('PBT with checkpoints that cannot be kept', () => {
  test("members without their decision point's checkpoint go on from the best member's state; the bottom one explores, the others keep their parameters", async () => {
    // Trials 0, 1 and 2 (ids 1 to 3) lose their checkpoint of epoch 2; trial 3 keeps its.
    const { study, store } = await newStudy({ checkpoint: (trialId, epoch) => trialId <= 3 && epoch === 2 });
    const { logger, records } = capturingLogger();
    const result = await new SweepRunner({ study, executor: pool, logger }).sweep(new AbortController().signal);
    assert.equal(result.summary.counts.COMPLETE, 4);
    const missing = records.filter((record) => record.msg === 'a member has no checkpoint of its decision point');
    assert.deepEqual(missing.map((record) => record.trial).sort(), [0, 1, 2]);
    const trials = await study.trials();
    const decided = (await store.listSegments(study.id)).filter((segment) => segment.fromEpoch === 3);
    assert.deepEqual(
      decided.map((segment) => [segment.trial, segment.parent]),
      [
        [0, 3],
        [1, 3],
        [2, 3],
        [3, undefined],
      ],
      "the only member with a checkpoint is everyone else's parent",
    );
    // One of them is the bottom quantile (ceil(4 x 0.25)): it explores; the two others keep their own rates.
    const kept = decided.filter(
      (segment) => segment.trial < 3 && segment.params.learning_rate === trials[segment.trial]?.params.learning_rate,
    );
    assert.equal(kept.length, 2, JSON.stringify(decided));
    for (const trial of trials) assert.equal((await store.getEpochs(trial.id)).length, 4, `trial ${trial.number}`);
    await store.close();
  });

  test('no member kept a checkpoint of the decision point: the sweep stops with the reason, its members queued for `resume`', async () => {
    const { study, store } = await newStudy({ checkpoint: (_trialId, epoch) => epoch === 2 });
    await assert.rejects(
      new SweepRunner({ study, executor: pool, logger: silentLogger() }).sweep(new AbortController().signal),
      /PBT cannot go on after epoch 2: no member has a usable checkpoint of it/,
    );
    const states = (await study.trials()).map((trial) => trial.state);
    assert.deepEqual(states, ['QUEUED', 'QUEUED', 'QUEUED', 'QUEUED']);
    await store.close();
  });

  test('a member that fails between two decision points leaves the population: the others decide the next point without it', async () => {
    // 6 epochs: decision points after 2 and 4. Trial 0 (id 1) cannot store its epoch 3, and has one attempt.
    const sweep = SWEEP.replace('epochs: 4', 'epochs: 6');
    const { study, store } = await newStudy({ epoch: (trialId, epoch) => trialId === 1 && epoch === 3 }, sweep);
    const result = await new SweepRunner({ study, executor: pool, logger: silentLogger(), maxAttempts: 1 }).sweep(
      new AbortController().signal,
    );
    assert.deepEqual(result.summary.counts, { QUEUED: 0, RUNNING: 0, COMPLETE: 3, PRUNED: 0, FAILED: 1 });
    const trials = await study.trials();
    assert.match(trials[0]?.reason ?? '', /epoch 3 of repeat 0 could not be stored/);
    const segments = await store.listSegments(study.id);
    assert.deepEqual(
      [...new Set(segments.filter((segment) => segment.fromEpoch === 5).map((segment) => segment.trial))],
      [1, 2, 3],
      'the point after epoch 4 was decided by the three members left',
    );
    for (const trial of trials.slice(1)) assert.equal((await store.getEpochs(trial.id)).length, 6, `trial ${trial.number}`);
    await store.close();
  });
});
