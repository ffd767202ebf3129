import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/errors/config-error.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { aggregateRepeats } from '../../src/study/aggregate-repeats.js';
import { Study } from '../../src/study/study.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
let n = 0;
const openStore = (): SqliteTrialStore => SqliteTrialStore.open(join(dir, `study-${n++}.db`));

const space = {
  x: { type: 'float', low: -5, high: 5 },
  kind: { type: 'categorical', choices: ['a', 'b'] },
  y: { type: 'int', low: 0, high: 10, when: { kind: 'b' } },
} as const;

describe('ask/tell API', () => {
  test('TPE by default: after the startup trials it beats random search on the same budget', async () => {
    const store = openStore();
    const run = async (name: string, sampler?: { type: 'random' }): Promise<number> => {
      const study = await Study.create(store, { name, space: { x: space.x }, direction: 'minimize', seed: 5, ...(sampler && { sampler }) });
      for (let i = 0; i < 40; i++) {
        const trial = await study.ask();
        await study.tell(trial, ((trial.params.x as number) - 1.234) ** 2);
      }
      assert.equal(study.definition.sampler.type, sampler?.type ?? 'tpe');
      return (await study.best())[0]?.result?.value ?? Infinity;
    };
    const tpe = await run('tpe-default');
    const random = await run('random', { type: 'random' });
    assert.ok(tpe < random, `TPE best ${tpe}, random best ${random}`);
    await store.close();
  });

  test('a grid study runs out: ask throws SearchExhaustedError and writes nothing', async () => {
    const store = openStore();
    const study = await Study.create(store, {
      name: 'grid',
      space: { kind: { type: 'categorical', choices: ['a', 'b', 'c'] }, depth: { type: 'int', low: 1, high: 2 } },
      direction: 'maximize',
      sampler: { type: 'grid' },
    });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const trial = await study.ask();
      seen.add(JSON.stringify(trial.params));
      await study.tell(trial, i);
    }
    assert.equal(seen.size, 6);
    await assert.rejects(study.ask(), { name: 'SearchExhaustedError', message: /tried every point of its grid search/ });
    assert.equal((await study.trials()).length, 6);
    await store.close();
  });

  test('askMany: the trials one ask at a time would give (TPE with constant liar), written together; a grid batch ends where its points do', async () => {
    const store = openStore();
    // Past TPE's startup trials, so that each suggestion depends on the running ones before it.
    const withHistory = async (name: string): Promise<Study> => {
      const study = await Study.create(store, { name, space, direction: 'minimize', seed: 7 });
      for (let i = 0; i < 15; i++) {
        const trial = await study.ask();
        await study.tell(trial, ((trial.params.x as number) - 1) ** 2);
      }
      return study;
    };
    const one = await withHistory('one-by-one');
    const single = [];
    for (const worker of ['w1', 'w2', 'w1', 'w3', 'w2']) single.push(await one.ask({ worker }));
    const batched = await (await withHistory('together')).askMany(['w1', 'w2', 'w1', 'w3', 'w2']);
    assert.deepEqual(
      batched.map((t) => [t.number, t.state, t.worker, t.params]),
      single.map((t) => [t.number, t.state, t.worker, t.params]),
    );
    assert.equal(new Set(batched.map((t) => JSON.stringify(t.params))).size, 5, 'five different points');

    const grid = await Study.create(store, {
      name: 'grid-batch',
      space: { kind: { type: 'categorical', choices: ['a', 'b', 'c'] } },
      direction: 'maximize',
      sampler: { type: 'grid' },
    });
    assert.deepEqual((await grid.askMany(['w', 'w', 'w', 'w', 'w'])).map((t) => t.params.kind).sort(), ['a', 'b', 'c']);
    await assert.rejects(grid.askMany(['w', 'w']), { name: 'SearchExhaustedError' });
    assert.equal((await grid.trials()).length, 3);
    await store.close();
  });

  test('drives a search from user code and finds a good point of a known function', async () => {
    const store = openStore();
    const study = await Study.create(store, { name: 'quadratic', space, direction: 'minimize', seed: 3 });
    for (let i = 0; i < 60; i++) {
      const trial = await study.ask();
      assert.equal(trial.state, 'RUNNING');
      assert.deepEqual(study.space.checkValues(trial.params), []);
      const x = trial.params.x as number;
      const y = (trial.params.y as number | undefined) ?? 5;
      await study.tell(trial, (x - 1) ** 2 + (y - 5) ** 2);
    }
    const [best] = await study.best();
    assert.ok(best?.result && best.result.value < 0.5, `best value ${best?.result?.value}`);
    assert.equal((await study.trials(['COMPLETE'])).length, 60);
    await store.close();
  });

  test('a study reopened from the store continues the same sequence of suggestions', async () => {
    const path = join(dir, 'reopen.db');
    const first = SqliteTrialStore.open(path);
    const study = await Study.create(first, { name: 'seq', space, direction: 'maximize', seed: 11 });
    const asked = [await study.ask(), await study.ask()];
    await first.close();
    const second = SqliteTrialStore.open(path);
    const reopened = await Study.open(second, 'seq');
    const third = await reopened.ask();
    await second.close();

    const control = openStore();
    const fresh = await Study.create(control, { name: 'seq', space, direction: 'maximize', seed: 11 });
    const expected = [await fresh.ask(), await fresh.ask(), await fresh.ask()];
    assert.deepEqual(
      [...asked, third].map((t) => t.params),
      expected.map((t) => t.params),
    );
    await control.close();
  });

  test('tell accepts an outcome, or a trial number', async () => {
    const store = openStore();
    const study = await Study.create(store, { name: 's', space, direction: 'maximize' });
    const a = await study.ask({ worker: 'me' });
    const b = await study.ask();
    assert.equal(a.worker, 'me');
    assert.equal((await study.tell(b.number, 0.25)).result?.value, 0.25);
    const failed = await study.tell(a, { state: 'FAILED', reason: 'out of memory' });
    assert.equal(failed.state, 'FAILED');
    await assert.rejects(study.tell(await study.ask(), Number.NaN), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.match(error.message, /must be a finite number, but got NaN/);
      return true;
    });
    await store.close();
  });

  test('report records intermediate values of a running trial', async () => {
    const store = openStore();
    const study = await Study.create(store, { name: 's', space, direction: 'maximize' });
    const trial = await study.ask();
    await study.report(trial, 1, { valAccuracy: 0.5 });
    await study.report(trial, 2, { valAccuracy: 0.6 });
    assert.deepEqual(
      (await store.getEpochs(trial.id)).map((e) => e.valAccuracy),
      [0.5, 0.6],
    );
    await store.close();
  });

  test('enqueue checks the parameters against the space', async () => {
    const store = openStore();
    const study = await Study.create(store, { name: 's', space, direction: 'maximize' });
    const queued = await study.enqueue({ x: 1, kind: 'b', y: 3 });
    assert.equal(queued.state, 'QUEUED');
    await assert.rejects(study.enqueue({ x: 9, kind: 'a' }), {
      message: /parameters do not fit study "s": x must be within \[-5, 5\], but got 9/,
    });
    await store.close();
  });

  test('bad options are refused with the field named, and nothing is written', async () => {
    const store = openStore();
    await assert.rejects(
      Study.create(store, { name: 's', space: { x: { type: 'float', low: 1, high: 0 } }, direction: 'maximize' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, 'study options: space.x.low: must be < high (0), but got 1');
        return true;
      },
    );
    await assert.rejects(Study.create(store, { name: 's', space, direction: 'up' } as unknown as Parameters<typeof Study.create>[1]), {
      message: 'study options: direction: expected one of "maximize", "minimize", but got "up"',
    });
    assert.deepEqual(await store.listStudies(), []);
    await store.close();
  });
});

describe('the package entry point', () => {
  test('exports the ask/tell API under the package name', async () => {
    const sweeper = await import('sweeper');
    const store = sweeper.SqliteTrialStore.open(join(dir, 'package.db'));
    const study = await sweeper.Study.create(store, { name: 'pkg', space: { x: { type: 'int', low: 0, high: 3 } }, direction: 'maximize' });
    const trial = await study.ask();
    assert.equal((await study.tell(trial, Number(trial.params.x))).state, 'COMPLETE');
    assert.deepEqual([...sweeper.TRIAL_STATES], ['QUEUED', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAILED']);
    assert.ok(new sweeper.ConfigError('f', [{ field: 'a', message: 'b' }]) instanceof sweeper.SweeperError);
    await store.close();
  });

  test('a study with no file: ask/tell on the in-memory store', async () => {
    const sweeper = await import('sweeper');
    const store = new sweeper.MemoryTrialStore();
    const study = await sweeper.Study.create(store, { name: 'mem', space: { x: { type: 'int', low: 0, high: 3 } }, direction: 'maximize' });
    for (let i = 0; i < 3; i++) {
      const trial = await study.ask();
      await study.tell(trial, Number(trial.params.x));
    }
    assert.equal((await store.summariseStudy(study.id)).counts.COMPLETE, 3);
    await store.close();
  });
});

describe('aggregateRepeats', () => {
  test('mean and sample standard deviation, as the reference reports give them', () => {
    const repeats = [0.9, 0.92, 0.94].map((value, repeat) => ({
      repeat,
      seed: repeat,
      value,
      epochs: 5 + repeat,
      bestEpoch: 3 + repeat,
      trainSeconds: 2 * (repeat + 1),
    }));
    const result = aggregateRepeats(repeats);
    assert.ok(Math.abs(result.value - 0.92) < 1e-12);
    assert.ok(Math.abs((result.valueStd ?? 0) - 0.02) < 1e-12);
    assert.equal(result.repeats, 3);
    assert.equal(result.epochs, 7);
    assert.equal(result.bestEpoch, 4, 'from the repeat closest to the mean');
    assert.equal(result.trainSeconds, 4);
  });

  test('no standard deviation for a single repeat', () => {
    assert.equal(aggregateRepeats([{ repeat: 0, seed: 1, value: 0.5, epochs: 1, bestEpoch: 1, trainSeconds: 1 }]).valueStd, undefined);
  });
});
