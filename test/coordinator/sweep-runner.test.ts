import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SweepRunner } from '../../coordinator/sweep-runner.js';
import type { SweepEvent } from '../../coordinator/sweep-events.js';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { Study } from '../../src/study/study.js';
import { LocalPool } from '../../worker/local-pool.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const dir = tempDir();
const pool = new LocalPool({ threads: 2, backend: 'wasm', logger: silentLogger(), datasets: new DatasetCache() });
after(() => pool.close());
let stores = 0;

async function newStudy(overrides: Record<string, string> = {}): Promise<{ study: Study; store: SqliteTrialStore }> {
  const store = SqliteTrialStore.open(join(dir, `runner-${stores++}.db`));
  const { definition, source } = parseSweep(tinySweepYaml(overrides), 'tiny.yaml');
  return { study: await Study.createFromDefinition(store, definition, source), store };
}

function runner(study: Study, onEvent?: (event: SweepEvent) => void): SweepRunner {
  return new SweepRunner({ study, executor: pool, logger: silentLogger(), ...(onEvent && { onEvent }) });
}

describe('SweepRunner', () => {
  test('runs the budget: every trial complete, with its epochs and one result', async () => {
    const { study, store } = await newStudy({ budget: 'budget:\n  trials: 5' });
    const result = await runner(study).sweep(new AbortController().signal);
    assert.equal(result.interrupted, false);
    assert.deepEqual(result.summary.counts, { QUEUED: 0, RUNNING: 0, COMPLETE: 5, PRUNED: 0, FAILED: 0 });
    const trials = await study.trials();
    assert.deepEqual(
      trials.map((t) => t.number),
      [0, 1, 2, 3, 4],
    );
    for (const trial of trials) {
      assert.equal(trial.worker, pool.placements(0, 1)[0]);
      assert.equal(trial.attempt, 1);
      const epochs = await store.getEpochs(trial.id);
      assert.deepEqual(
        epochs.map((e) => e.epoch),
        [1, 2],
      );
      assert.equal(
        trial.result?.value,
        Math.max(...epochs.map((e) => e.valAccuracy ?? 0)),
        'the objective is the best epoch of the objective metric',
      );
      assert.equal(trial.result?.epochs, 2);
    }
    assert.ok((result.summary.bestValue ?? 0) > 0.5);
    await store.close();
  });

  test('repeats: each configuration trained with the same N seeds; mean and std recorded', async () => {
    const { study, store } = await newStudy({ budget: 'budget:\n  trials: 2', repeats: 'repeats: 3' });
    await runner(study).sweep(new AbortController().signal);
    const seedsPerTrial: number[][] = [];
    for (const trial of await study.trials()) {
      const repeats = await store.getRepeats(trial.id);
      assert.deepEqual(
        repeats.map((r) => r.repeat),
        [0, 1, 2],
      );
      seedsPerTrial.push(repeats.map((r) => r.seed));
      const values = repeats.map((r) => r.value);
      const mean = values.reduce((a, b) => a + b) / 3;
      const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
      assert.ok(Math.abs((trial.result?.value ?? 0) - mean) < 1e-12);
      assert.ok(Math.abs((trial.result?.valueStd ?? -1) - std) < 1e-12);
      assert.equal(trial.result?.repeats, 3);
      assert.equal((await store.getEpochs(trial.id)).length, 6, '2 epochs x 3 repeats');
    }
    assert.equal(new Set(seedsPerTrial[0]).size, 3, 'the repeats have different seeds');
    assert.deepEqual(seedsPerTrial[0], seedsPerTrial[1], 'every configuration sees the same seeds');
    await store.close();
  });

  test("with a test part, each repeat is evaluated once on it with its best epoch's weights, and the trial keeps the mean", async () => {
    const { study, store } = await newStudy({
      dataset: 'dataset:\n  name: bundled-mnist\n  limit: 1400\n  validation: 200\n  test: 200',
      budget: 'budget:\n  trials: 1',
      repeats: 'repeats: 2',
    });
    await runner(study).sweep(new AbortController().signal);
    const [trial] = await study.trials();
    assert.ok(trial);
    const repeats = await store.getRepeats(trial.id);
    assert.equal(repeats.length, 2);
    for (const repeat of repeats) {
      const test = repeat.test ?? assert.fail('the repeat has a test evaluation');
      assert.equal(test.epoch, repeat.bestEpoch, 'the evaluated weights are those of the epoch the value comes from');
      assert.equal(
        (test.confusion ?? assert.fail('the evaluation has a confusion matrix')).flat().reduce((a, b) => a + b, 0),
        200,
      );
    }
    const mean = repeats.reduce((sum, r) => sum + (r.test?.accuracy ?? 0), 0) / 2;
    assert.ok(Math.abs((trial.result?.testAccuracy ?? -1) - mean) < 1e-12);
    await store.close();
  });

  test('max_concurrent bounds the trials running at once', async () => {
    const { study, store } = await newStudy({ budget: 'budget:\n  trials: 4\n  max_concurrent: 1' });
    let running = 0;
    let peak = 0;
    await runner(study, (event) => {
      if (event.type === 'trial-started') peak = Math.max(peak, ++running);
      if (event.type === 'trial-finished') running--;
    }).sweep(new AbortController().signal);
    assert.equal(peak, 1);
    assert.equal((await study.trials(['COMPLETE'])).length, 4);
    await store.close();
  });

  test('a diverging configuration is recorded as FAILED with its reason; the sweep carries on', async () => {
    const { study, store } = await newStudy({
      model: 'model:\n  depth: 2\n  width: 64',
      training: 'training:\n  epochs: 2\n  optimizer: sgd',
      space: 'space:\n  learning_rate: { type: categorical, choices: [0.05, 100000] }',
      budget: 'budget:\n  trials: 6',
    });
    const result = await runner(study).sweep(new AbortController().signal);
    const trials = await study.trials();
    const failed = trials.filter((t) => t.state === 'FAILED');
    const complete = trials.filter((t) => t.state === 'COMPLETE');
    assert.ok(failed.length > 0 && complete.length > 0, `states: ${trials.map((t) => t.state).join(', ')}`);
    for (const trial of failed) {
      assert.equal(trial.params.learning_rate, 100000);
      assert.equal(trial.reason, 'diverged at epoch 1: training loss is NaN');
      assert.equal(trial.result, undefined);
    }
    for (const trial of complete) assert.equal(trial.params.learning_rate, 0.05);
    assert.equal(result.summary.counts.FAILED + result.summary.counts.COMPLETE, 6);
    await store.close();
  });

  test('one diverging repeat fails the trial and stops its other repeats', async () => {
    const { study, store } = await newStudy({
      model: 'model:\n  depth: 2\n  width: 64',
      training: 'training:\n  epochs: 2\n  optimizer: sgd\n  learning_rate: 100000',
      space: 'space:\n  batch_size: { type: categorical, choices: [50] }',
      budget: 'budget:\n  trials: 1',
      repeats: 'repeats: 2',
    });
    await runner(study).sweep(new AbortController().signal);
    const [trial] = await study.trials();
    assert.equal(trial?.state, 'FAILED');
    // Whichever repeat reports first ends the trial; an overflowing loss is NaN or Infinity, by the repeat's seed.
    assert.match(trial?.reason ?? '', /^repeat [01] diverged at epoch 1: training loss is (NaN|Infinity)$/);
    await store.close();
  });

  test('a stop puts running trials back in the queue; running again finishes the budget without re-running finished trials', async () => {
    const { study, store } = await newStudy({ budget: 'budget:\n  trials: 6', training: 'training:\n  epochs: 3' });
    const controller = new AbortController();
    let finished = 0;
    const first = await runner(study, (event) => {
      if (event.type === 'trial-finished' && ++finished === 2) controller.abort();
    }).sweep(controller.signal);
    assert.equal(first.interrupted, true);
    const afterStop = await study.trials();
    assert.equal(afterStop.filter((t) => t.state === 'RUNNING').length, 0);
    const requeued = afterStop.filter((t) => t.state === 'QUEUED');
    assert.ok(requeued.length > 0);
    for (const trial of requeued) {
      assert.equal(trial.reason, 'interrupted: the sweep was stopped');
      // Epochs after the last checkpoint are dropped; those up to it stay, for the next attempt to go on from.
      const checkpoints = await store.listCheckpoints(trial.id);
      const kept = await store.getEpochs(trial.id);
      assert.deepEqual(
        kept.map((e) => [e.repeat, e.epoch]),
        checkpoints.flatMap((c) => Array.from({ length: c.epoch }, (_, i) => [c.repeat, i + 1])),
      );
    }
    const completeBefore = afterStop.filter((t) => t.state === 'COMPLETE');

    const reopened = await Study.open(store, study.name);
    const second = await runner(reopened).sweep(new AbortController().signal);
    assert.equal(second.interrupted, false);
    const trials = await reopened.trials();
    assert.equal(trials.length, 6);
    assert.deepEqual(
      trials.map((t) => t.state),
      Array(6).fill('COMPLETE'),
    );
    for (const before of completeBefore)
      assert.deepEqual(
        trials.find((t) => t.number === before.number),
        before,
        'finished trials are untouched',
      );
    for (const trial of requeued) {
      const now = trials.find((t) => t.number === trial.number);
      assert.equal(now?.attempt, 2);
      assert.deepEqual(now?.params, trial.params, 'a requeued trial keeps its parameters');
    }
    await store.close();
  });

  test('a study without a training task is refused before anything runs', async () => {
    const store = SqliteTrialStore.open(join(dir, `runner-${stores++}.db`));
    const study = await Study.create(store, { name: 'by-hand', space: { x: { type: 'float', low: 0, high: 1 } }, direction: 'minimize' });
    await assert.rejects(runner(study).sweep(new AbortController().signal), {
      name: 'InvalidArgumentError',
      message: 'study "by-hand" has no training task: its trials are run through ask/tell',
    });
    assert.deepEqual(await study.trials(), []);
    await store.close();
  });

  test('trials left RUNNING by a crashed process are re-run with the next attempt', async () => {
    const { study, store } = await newStudy({ budget: 'budget:\n  trials: 2' });
    const orphan = await study.ask({ worker: 'crashed-process' });
    await study.report(orphan, 1, { valAccuracy: 0.1 });
    const reopened = await Study.open(store, study.name);
    await runner(reopened).sweep(new AbortController().signal);
    const trial = await store.getTrial(study.id, orphan.number);
    assert.equal(trial.state, 'COMPLETE');
    assert.equal(trial.attempt, 2);
    assert.equal(trial.worker, pool.placements(0, 1)[0]);
    assert.notEqual((await store.getEpochs(trial.id))[0]?.valAccuracy, 0.1, 'the dead attempt left no epoch behind');
    assert.equal((await reopened.trials()).length, 2);
    await store.close();
  });

  test('early stopping: a repeat that stops improving ends early, and its best epoch is the result', async () => {
    const { study, store } = await newStudy({
      training: 'training:\n  epochs: 6\n  batch_size: 50\n  optimizer: adam\n  learning_rate: 0.01',
      budget: 'budget:\n  trials: 2',
      // No epoch can beat the first by a whole unit of accuracy: every trial stops after epoch 2.
      early_stopping: 'early_stopping:\n  patience: 1\n  min_delta: 1',
    });
    const result = await runner(study).sweep(new AbortController().signal);
    assert.equal(result.summary.counts.COMPLETE, 2);
    for (const trial of await study.trials()) {
      const epochs = await store.getEpochs(trial.id);
      assert.deepEqual(
        epochs.map((e) => e.epoch),
        [1, 2],
        'training stopped after the patience ran out',
      );
      assert.equal(trial.result?.epochs, 2);
      const best = Math.max(...epochs.map((e) => e.valAccuracy ?? 0));
      assert.equal(trial.result?.value, best);
      assert.equal(trial.result?.bestEpoch, epochs.findIndex((e) => e.valAccuracy === best) + 1);
    }
    await store.close();
  });

  test('pruning: a trial worse than the finished ones at the same epoch stops there and is recorded PRUNED', async () => {
    const { study, store } = await newStudy({
      training: 'training:\n  epochs: 3\n  batch_size: 50\n  optimizer: adam\n  learning_rate: 0.01',
      space: 'space:\n  learning_rate: { type: float, low: 0.000001, high: 0.1, log: true }',
      budget: 'budget:\n  trials: 2\n  max_concurrent: 1',
      pruner: 'pruner:\n  type: median\n  n_startup_trials: 1',
    });
    // A good learning rate first, then one so small that the net is still near chance after an epoch.
    await study.enqueue({ learning_rate: 0.01 });
    await study.enqueue({ learning_rate: 0.000001 });
    const events: string[] = [];
    const result = await runner(study, (event) => {
      if (event.type === 'trial-finished') events.push(`${event.trial.number}:${event.trial.state}`);
    }).sweep(new AbortController().signal);
    assert.equal(result.interrupted, false);
    assert.deepEqual(events, ['0:COMPLETE', '1:PRUNED']);
    const [good, bad] = await study.trials();
    assert.equal(bad?.state, 'PRUNED');
    assert.match(
      bad?.reason ?? '',
      /^pruned at epoch 1: best val_accuracy up to epoch 1 is [\d.]+, worse than the median [\d.]+ of 1 completed trial/,
    );
    const badEpochs = await store.getEpochs(bad?.id ?? -1);
    assert.deepEqual(
      badEpochs.map((e) => e.epoch),
      [1],
      'the pruned trial stopped at once',
    );
    assert.equal(bad?.result?.epochs, 1, 'recorded with the epoch it reached');
    assert.equal(bad?.result?.value, badEpochs[0]?.valAccuracy);
    assert.equal(good?.result?.epochs, 3);
    await store.close();
  });
});
