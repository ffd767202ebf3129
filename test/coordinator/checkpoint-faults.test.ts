import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
 * Issue 16, point 2: a checkpoint that cannot be written (a full disk) or is found damaged costs
 * at most a restart of its run from epoch 1, with the reason logged: never a failed trial or a
 * crashed sweep. Real training on a real pool, a real store.
 */
const dir = tempDir('sweeper-checkpoint-faults-');
const pool = new LocalPool({ threads: 1, backend: 'wasm', logger: silentLogger(), datasets: new DatasetCache() });
after(() => pool.close());
let stores = 0;

const SWEEP = tinySweepYaml({
  training: 'training:\n  epochs: 4\n  batch_size: 50\n  optimizer: adam\n  learning_rate: 0.01',
  space: 'space:\n  learning_rate: { type: categorical, choices: [0.01] }',
  budget: 'budget:\n  trials: 1',
});

async function newStudy(
  wrap: (store: SqliteTrialStore) => TrialStore = (store) => store,
): Promise<{ study: Study; store: SqliteTrialStore; path: string }> {
  const path = join(dir, `faults-${stores++}.db`);
  const store = SqliteTrialStore.open(path);
  const { definition, source } = parseSweep(SWEEP, 'faults.yaml');
  return { study: await Study.createFromDefinition(wrap(store), definition, source), store, path };
}

async function epochsOf(store: SqliteTrialStore, study: Study): Promise<unknown[]> {
  const [trial] = await study.trials();
  assert.ok(trial);
  return (await store.getEpochs(trial.id)).map(({ epochSeconds: _seconds, ...metrics }) => metrics);
}

describe('checkpoint faults', () => {
  test('a full disk refuses every checkpoint: the trial completes all the same, the reason logged', async () => {
    const { study, store } = await newStudy(
      (inner) =>
        new Proxy(inner, {
          get(target, property, receiver) {
            if (property === 'saveCheckpoint')
              return () => Promise.reject(new StoreError('DISK_FULL', 'runs.db.checkpoints', 'no space left on device, ENOSPC'));
            const value = Reflect.get(target, property, receiver) as unknown;
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        }),
    );
    const { logger, records } = capturingLogger();
    const result = await new SweepRunner({ study, executor: pool, logger }).sweep(new AbortController().signal);
    assert.equal(result.summary.counts.COMPLETE, 1);
    const refused = records.filter((record) => record.msg === 'a checkpoint could not be kept');
    assert.deepEqual(
      refused.map((record) => record.epoch),
      [1, 2, 3],
      'each epoch but the last tried to keep one',
    );
    assert.match(String(refused[0]?.reason), /no space left on device/);
    await store.close();
  });

  test('a damaged checkpoint: the next attempt starts from epoch 1, says why, and stores what a clean run does', async () => {
    const clean = await newStudy();
    await new SweepRunner({ study: clean.study, executor: pool, logger: silentLogger() }).sweep(new AbortController().signal);

    const { study, store, path } = await newStudy();
    const controller = new AbortController();
    const first = await new SweepRunner({
      study,
      executor: pool,
      logger: silentLogger(),
      onEvent: (event) => {
        if (event.type === 'epoch' && event.report.epoch === 2) controller.abort();
      },
    }).sweep(controller.signal);
    assert.equal(first.interrupted, true);
    const [interrupted] = await study.trials();
    const [checkpoint] = await store.listCheckpoints(interrupted?.id ?? -1);
    assert.ok(checkpoint && checkpoint.epoch >= 2, 'the stop kept a checkpoint to go on from');
    const folder = join(`${path}.checkpoints`, 'study-1');
    const [file] = readdirSync(folder);
    const bytes = readFileSync(join(folder, file as string));
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
    writeFileSync(join(folder, file as string), bytes);

    const { logger, records } = capturingLogger();
    const second = await new SweepRunner({ study: await Study.open(store, study.name), executor: pool, logger }).sweep(
      new AbortController().signal,
    );
    assert.equal(second.summary.counts.COMPLETE, 1);
    const restart = records.find((record) => record.msg === 'repeat starts again from its first epoch');
    assert.match(String(restart?.reason), /is damaged: its SHA-256 is not the one stored/);
    assert.deepEqual(await epochsOf(store, study), await epochsOf(clean.store, clean.study));
    const [trial] = await study.trials();
    assert.equal(trial?.attempt, 2);
    assert.equal(trial?.result?.value, (await clean.study.trials())[0]?.result?.value);
    await store.close();
    await clean.store.close();
  });
});
