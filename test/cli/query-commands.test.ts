import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { EpochMetrics } from '../../src/core/metrics.js';
import { runCli } from '../helpers/cli-process.js';
import { parseCsv, parseCsvRecords } from '../helpers/parse-csv.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeTinySweep } from '../helpers/tiny-sweep.js';
import { studyDefinition } from '../store/study-fixture.js';

const dir = tempDir();
const handDb = join(dir, 'hand.db');
const sweepDb = join(dir, 'sweep.db');

interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  value_std: number | null;
  repeats: number | null;
  test_accuracy: number | null;
  params: Record<string, unknown>;
  reason: string | null;
}

const PRUNED_REASON = 'pruned at epoch 2: "median", below 0.5';
const CONFUSION = [
  [5, 1, 0],
  [0, 4, 1],
  [1, 0, 3],
];

/** Epoch metrics of trial 1, repeat r, epoch e: distinct numbers to compare exactly. */
const epochMetrics = (repeat: number, epoch: number): EpochMetrics => ({
  trainLoss: 1 / epoch + repeat / 100,
  trainAccuracy: 0.5 + epoch / 10,
  valLoss: 1.5 / epoch,
  valAccuracy: 0.6 + epoch / 10 + repeat / 100,
  learningRate: 0.001,
  epochSeconds: 0.25 * epoch,
});

/**
 * A study made through the store with exact values: trial 1 has 3 repeats, 3 epochs each and a
 * test evaluation per repeat; 4 FAILED, 5 PRUNED (a reason with a comma and quotes), 6 QUEUED.
 */
async function makeHandStore(): Promise<void> {
  const store = SqliteTrialStore.open(handDb);
  try {
    const study = await store.createStudy(
      studyDefinition('hand', {
        space: {
          optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
          depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
          batch_norm: { type: 'categorical', choices: [true, false] },
          learning_rate: { type: 'float', low: 1e-4, high: 1, log: true },
          momentum: { type: 'float', low: 0, high: 0.99, log: false, when: { optimizer: ['sgd'] } },
        },
      }),
    );
    const base = { repeats: 1, epochs: 3, bestEpoch: 3, trainSeconds: 2 };
    const complete = async (params: Record<string, string | number | boolean>, value: number): Promise<number> => {
      const trial = await store.createTrial(study.id, params, { worker: 'host:1' });
      await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: { value, ...base } });
      return trial.id;
    };
    const t0 = await store.createTrial(
      study.id,
      { optimizer: 'sgd', depth: 2, batch_norm: false, learning_rate: 0.1, momentum: 0.9 },
      { worker: 'host:1' },
    );
    await store.recordEpoch(t0.id, 1, 0, 1, { valAccuracy: 0.85, trainLoss: 0.7 });
    await store.recordEpoch(t0.id, 1, 0, 2, { valAccuracy: 0.9, trainLoss: 0.5 });
    await store.finishTrial(t0.id, 1, { state: 'COMPLETE', result: { value: 0.9, ...base, epochs: 2, bestEpoch: 2 } });

    const t1 = await store.createTrial(
      study.id,
      { optimizer: 'adam', depth: 2, batch_norm: true, learning_rate: 0.001 },
      { worker: 'host:2' },
    );
    for (let repeat = 0; repeat < 3; repeat++) {
      for (let epoch = 1; epoch <= 3; epoch++) await store.recordEpoch(t1.id, 1, repeat, epoch, epochMetrics(repeat, epoch));
      const test = { epoch: 3, loss: 0.3 + repeat / 10, accuracy: 12 / 15, confusion: CONFUSION };
      await store.recordRepeat(t1.id, 1, {
        repeat,
        seed: 11 + repeat,
        value: 0.94 + repeat / 100,
        epochs: 3,
        bestEpoch: 3,
        trainSeconds: 2 + repeat,
        test,
      });
    }
    await store.finishTrial(t1.id, 1, {
      state: 'COMPLETE',
      result: { value: 0.95, valueStd: 0.01, repeats: 3, epochs: 3, bestEpoch: 3, trainSeconds: 3, testAccuracy: 0.8 },
    });

    await complete({ optimizer: 'adam', depth: 3, batch_norm: false, learning_rate: 0.01 }, 0.93);
    await complete({ optimizer: 'rmsprop', depth: 1, batch_norm: true, learning_rate: 0.01 }, 0.8);
    const t4 = await store.createTrial(
      study.id,
      { optimizer: 'sgd', depth: 4, batch_norm: true, learning_rate: 0.5, momentum: 0 },
      { worker: 'host:1' },
    );
    await store.finishTrial(t4.id, 1, { state: 'FAILED', reason: 'diverged at epoch 1: training loss is NaN' });
    const t5 = await store.createTrial(
      study.id,
      { optimizer: 'adam', depth: 1, batch_norm: true, learning_rate: 0.1 },
      { worker: 'host:1' },
    );
    await store.finishTrial(t5.id, 1, { state: 'PRUNED', reason: PRUNED_REASON, result: { value: 0.4, ...base, epochs: 2, bestEpoch: 2 } });
    await store.createTrial(study.id, { optimizer: 'sgd', depth: 1, batch_norm: false, learning_rate: 0.2, momentum: 0.5 });
  } finally {
    await store.close();
  }
}

async function json<T>(args: string[]): Promise<T> {
  const result = await runCli(args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

async function stdout(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

before(async () => {
  await makeHandStore();
  const file = writeTinySweep(dir, {
    study: 'study: tiny\nrepeats: 2',
    dataset: 'dataset:\n  name: bundled-mnist\n  limit: 1200\n  validation: 200\n  test: 200',
  });
  const run = await runCli(['run', file, '--db', sweepDb, '--threads', '2']);
  assert.equal(run.code, 0, run.stderr);
});

describe('sweeper best --where and --group-by (hand-made store)', () => {
  const best = (...args: string[]): Promise<{ where: Record<string, unknown[]>; trials: TrialJson[] }> =>
    json(['best', 'hand', '--db', handDb, '--json', ...args]);
  const numbers = async (...args: string[]): Promise<number[]> => (await best(...args)).trials.map((t) => t.number);

  test('--where keeps the trials whose parameter takes the value, typed by the space', async () => {
    assert.deepEqual(await numbers(), [1, 2, 0, 3], 'COMPLETE trials only, best first');
    assert.deepEqual(await numbers('--where', 'optimizer=adam'), [1, 2]);
    assert.deepEqual(await numbers('--where', 'batch_norm=true'), [1, 3]);
    assert.deepEqual(await numbers('--where', 'batch_norm=false'), [2, 0]);
    assert.deepEqual(await numbers('--where', 'depth=2'), [1, 0]);
    assert.deepEqual(await numbers('--where', 'learning_rate=0.01'), [2, 3]);
    assert.deepEqual(await numbers('--where', 'learning_rate=1e-2', '--top', '1'), [2]);
    assert.deepEqual(await numbers('--where', 'momentum=0.9'), [0]);
    assert.deepEqual(await numbers('--where', 'optimizer=adam', '--where', 'optimizer=rmsprop'), [1, 2, 3], 'a name twice: either value');
    assert.deepEqual(await numbers('--where', 'optimizer=adam', '--where', 'depth=3'), [2], 'two names: both');
    assert.deepEqual((await best('--where', 'batch_norm=true', '--where', 'depth=2')).where, { batch_norm: [true], depth: [2] });
  });

  test('--where with <, <=, > and >= bounds a numeric parameter; bounds of a name must all hold', async () => {
    assert.deepEqual(await numbers('--where', 'learning_rate<0.01'), [1]);
    assert.deepEqual(await numbers('--where', 'learning_rate <= 1e-2'), [1, 2, 3]);
    assert.deepEqual(await numbers('--where', 'learning_rate>0.001', '--where', 'learning_rate<0.5'), [2, 0, 3]);
    assert.deepEqual(await numbers('--where', 'depth>=2'), [1, 2, 0]);
    assert.deepEqual(await numbers('--where', 'depth>1', '--where', 'optimizer=adam'), [1, 2], 'with a value condition on another name');
    assert.deepEqual(await numbers('--where', 'momentum>0.5'), [0], 'trials without the parameter are not kept');
    assert.deepEqual((await best('--where', 'learning_rate>0.001', '--where', 'learning_rate<0.5')).where, {
      learning_rate: { '>': 0.001, '<': 0.5 },
    });
    assert.match(
      await stdout(['best', 'hand', '--db', handDb, '--where', 'learning_rate>0.001', '--where', 'learning_rate<0.5']),
      /^best 3 of study hand by val_accuracy \(maximize\) where learning_rate>0\.001, learning_rate<0\.5:/,
    );
  });

  test('--json keeps its fields: study, trials (each as before), and adds where', async () => {
    const output = await best('--top', '1');
    assert.deepEqual(Object.keys(output), ['study', 'where', 'trials']);
    assert.deepEqual(output.where, {});
    const [first] = output.trials;
    assert.deepEqual([first?.number, first?.value, first?.value_std, first?.repeats, first?.test_accuracy], [1, 0.95, 0.01, 3, 0.8]);
  });

  test('--group-by: the top K per value, groups best first, with how many complete', async () => {
    const output = await json<{ group_by: string; groups: { value: unknown; complete: number; trials: TrialJson[] }[] }>([
      'best',
      'hand',
      '--db',
      handDb,
      '--json',
      '--group-by',
      'optimizer',
      '--top',
      '1',
    ]);
    assert.equal(output.group_by, 'optimizer');
    assert.deepEqual(
      output.groups.map((g) => [g.value, g.complete, g.trials.map((t) => t.number)]),
      [
        ['adam', 2, [1]],
        ['sgd', 1, [0]],
        ['rmsprop', 1, [3]],
      ],
    );
    const byBn = await json<{ groups: { value: unknown; trials: TrialJson[] }[] }>([
      'best',
      'hand',
      '--db',
      handDb,
      '--json',
      '--group-by',
      'batch_norm',
      '--where',
      'optimizer=adam',
    ]);
    assert.deepEqual(
      byBn.groups.map((g) => [g.value, g.trials.map((t) => t.number)]),
      [
        [true, [1]],
        [false, [2]],
      ],
    );

    const text = await stdout(['best', 'hand', '--db', handDb, '--group-by', 'optimizer', '--top', '2']);
    assert.match(text, /^best 2 of study hand for each optimizer, by val_accuracy \(maximize\):\noptimizer = adam: best 2 of 2 complete\n/);
    assert.match(text, /optimizer = sgd: best 1 of 1 complete\n[\s\S]*optimizer = rmsprop: best 1 of 1 complete\n/);
    assert.match(text, /0\.9500 ± 0\.0100/, 'mean ± std over repeats');
    assert.match(text, /test accuracy/);
  });

  test('the table says what was filtered, and when nothing matches', async () => {
    assert.match(
      await stdout(['best', 'hand', '--db', handDb, '--where', 'depth=2']),
      /^best 2 of study hand by val_accuracy \(maximize\) where depth=2:/,
    );
    assert.equal(await stdout(['best', 'hand', '--db', handDb, '--where', 'depth=4']), 'study hand has no complete trial where depth=4\n');
  });
});

describe('sweeper show (hand-made store)', () => {
  interface ShowJson {
    study: { name: string };
    trial: TrialJson;
    schedule: unknown[];
    repeats: {
      repeat: number;
      seed: number;
      value: number;
      best_epoch: number;
      train_seconds: number;
      test: {
        epoch: number;
        loss: number;
        accuracy: number;
        confusion: number[][];
        classes: { class: number; precision: number; recall: number; f1: number; support: number }[];
        macro: { precision: number; recall: number; f1: number };
      } | null;
    }[];
    epochs: Record<string, number | null>[];
  }

  test('--json: the trial, every repeat with its test evaluation and per-class scores, every epoch', async () => {
    const output = await json<ShowJson>(['show', 'hand', '1', '--db', handDb, '--json']);
    assert.deepEqual(Object.keys(output), ['study', 'trial', 'repeats', 'epochs', 'schedule']);
    assert.deepEqual(output.schedule, [], 'a study without PBT has no schedule');
    assert.equal(output.study.name, 'hand');
    assert.deepEqual([output.trial.number, output.trial.value, output.trial.value_std, output.trial.repeats], [1, 0.95, 0.01, 3]);
    assert.deepEqual(
      output.repeats.map((r) => [r.repeat, r.seed, r.value, r.best_epoch, r.train_seconds]),
      [
        [0, 11, 0.94, 3, 2],
        [1, 12, 0.95, 3, 3],
        [2, 13, 0.96, 3, 4],
      ],
    );
    const test = output.repeats[2]?.test;
    assert.ok(test);
    assert.deepEqual([test.epoch, test.loss, test.accuracy, test.confusion], [3, 0.5, 0.8, CONFUSION]);
    // Column sums (predicted) 6, 5, 4; row sums (actual) 6, 5, 4.
    const expected = [
      { class: 0, precision: 5 / 6, recall: 5 / 6, support: 6 },
      { class: 1, precision: 4 / 5, recall: 4 / 5, support: 5 },
      { class: 2, precision: 3 / 4, recall: 3 / 4, support: 4 },
    ];
    test.classes.forEach((scores, k) => {
      const want = expected[k];
      assert.ok(want);
      assert.equal(scores.class, want.class);
      assert.equal(scores.support, want.support);
      assert.ok(Math.abs(scores.precision - want.precision) < 1e-12 && Math.abs(scores.recall - want.recall) < 1e-12);
      assert.ok(Math.abs(scores.f1 - want.precision) < 1e-12, 'precision = recall, so F1 equals them');
    });
    assert.ok(Math.abs(test.macro.f1 - (5 / 6 + 4 / 5 + 3 / 4) / 3) < 1e-12);
    assert.equal(output.epochs.length, 9);
    assert.deepEqual(output.epochs[4], {
      repeat: 1,
      epoch: 2,
      train_loss: 0.51,
      train_accuracy: 0.7,
      val_loss: 0.75,
      val_accuracy: 0.81,
      learning_rate: 0.001,
      epoch_seconds: 0.5,
      mutual_information: null,
      extra: {},
    });
  });

  test('the terminal view: header, parameters, result, repeats, epochs, curve, confusion matrix and per-class table', async () => {
    const text = await stdout(['show', 'hand', '1', '--db', handDb]);
    assert.match(
      text,
      /^trial 1 of study hand: COMPLETE\nattempt 1 on worker host:2; queued \S+, started \S+, finished \S+ \(\d+\.\ds\)\n/,
    );
    assert.match(text, /parameters:\n {2}optimizer {6}adam\n {2}depth {10}2\n {2}batch_norm {5}true\n {2}learning_rate {2}0\.001\n/);
    assert.match(
      text,
      /result: val_accuracy 0\.9500 ± 0\.0100 \(mean ± std over 3 repeats\); best epoch 3 of 3; train time 3\.0s per repeat; test accuracy 0\.8000/,
    );
    assert.match(text, /repeats:\n.*\n.*repeat.*seed.*val_accuracy.*epochs.*best epoch.*train time.*test accuracy.*test loss/);
    assert.match(text, /epochs:\n.*\n.*repeat.*epoch.*train_loss.*train_accuracy.*val_loss.*val_accuracy.*learning_rate.*epoch_seconds/);
    assert.doesNotMatch(text, /mutual_information/, 'a metric never measured has no column');
    // The chart: the mean over the repeats at each epoch, from the same store, drawn by asciichart.
    const detail = JSON.parse(await stdout(['show', 'hand', '1', '--db', handDb, '--json'])) as {
      epochs: { epoch: number; val_accuracy: number | null }[];
    };
    const mean = (epoch: number): string => {
      const values = detail.epochs.filter((e) => e.epoch === epoch && e.val_accuracy !== null).map((e) => e.val_accuracy as number);
      return (values.reduce((a, b) => a + b, 0) / values.length).toFixed(4);
    };
    const chart = text.slice(text.indexOf('val_accuracy by epoch'));
    assert.ok(chart.startsWith(`val_accuracy by epoch 1..3 (mean over 3 repeats), from ${mean(1)} to ${mean(3)}:\n`), chart.slice(0, 120));
    const rows = chart.split('\n').slice(1, 10);
    assert.equal(
      rows.filter((row) => /^ +\d\.\d{4} [┤┼]/.test(row)).length,
      9,
      `nine rows of the chart with their axis labels:\n${rows.join('\n')}`,
    );
    assert.match(text, /test evaluation of repeat 2 \(weights of epoch 3\): accuracy 0\.8000, loss 0\.5000\nconfusion matrix/);
    assert.match(text, /│ 0 +│ 5 +│ 1 +│ 0 +│/);
    assert.match(text, /│ 2 +│ 3 +│ 0\.3533 +│ 0\.8000 +│ 0\.5000 +│ 0\.9200 +│ 0\.001 +│ 0\.75s +│/, 'an epoch row');
    assert.match(text, /│ 0 +│ 0\.8333 +│ 0\.8333 +│ 0\.8333 +│ 6 +│/);
    assert.match(text, /│ macro avg +│ 0\.7944 +│ 0\.7944 +│ 0\.7944 +│ 15 +│/);
  });

  test('a failed trial shows its reason and no result; a queued one its parameters', async () => {
    const failed = await stdout(['show', 'hand', '4', '--db', handDb]);
    assert.match(failed, /^trial 4 of study hand: FAILED\n.*\nreason: diverged at epoch 1: training loss is NaN\n/);
    assert.match(failed, /result: none/);
    const queued = await json<ShowJson>(['show', 'hand', '6', '--db', handDb, '--json']);
    assert.deepEqual([queued.trial.state, queued.repeats, queued.epochs, queued.trial.params.momentum], ['QUEUED', [], [], 0.5]);
  });
});

describe('sweeper export (hand-made store)', () => {
  test('--format csv: one row per trial, parameters in columns, read back equal to the store', async () => {
    const records = parseCsvRecords(await stdout(['export', 'hand', '--db', handDb]));
    assert.equal(records.length, 7);
    assert.deepEqual(Object.keys(records[0] ?? {}), [
      'number',
      'state',
      'value',
      'value_std',
      'repeats',
      'epochs',
      'best_epoch',
      'train_seconds',
      'test_accuracy',
      'attempt',
      'worker',
      'queued_at',
      'started_at',
      'finished_at',
      'reason',
      'params_batch_norm',
      'params_depth',
      'params_learning_rate',
      'params_momentum',
      'params_optimizer',
    ]);
    const trials = (await json<{ trials: TrialJson[] }>(['trials', 'hand', '--db', handDb, '--json'])).trials;
    records.forEach((record, i) => {
      const trial = trials[i];
      assert.ok(trial);
      assert.equal(record.number, String(trial.number));
      assert.equal(record.state, trial.state);
      assert.equal(record.value, trial.value === null ? '' : String(trial.value));
      assert.equal(record.reason, trial.reason ?? '');
      for (const [name, value] of Object.entries(trial.params))
        assert.equal(record[`params_${name}`], String(value), `${name} of trial ${i}`);
    });
    assert.equal(records[5]?.reason, PRUNED_REASON, 'quotes and commas survive');
    assert.deepEqual(
      [records[1]?.value_std, records[1]?.test_accuracy, records[1]?.params_momentum, records[1]?.params_batch_norm],
      ['0.01', '0.8', '', 'true'],
    );
  });

  test('--format json and jsonl: the same records, typed', async () => {
    const array = JSON.parse(await stdout(['export', 'hand', '--db', handDb, '--format', 'json'])) as Record<string, unknown>[];
    const lines = (await stdout(['export', 'hand', '--db', handDb, '--format', 'jsonl']))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(lines, array);
    assert.equal(array.length, 7);
    assert.deepEqual(
      [
        array[1]?.number,
        array[1]?.value,
        array[1]?.repeats,
        array[1]?.params_batch_norm,
        array[1]?.params_depth,
        array[1]?.params_momentum,
      ],
      [1, 0.95, 3, true, 2, null],
    );
    assert.deepEqual([array[6]?.state, array[6]?.value, array[6]?.params_momentum], ['QUEUED', null, 0.5]);
  });

  test('--epochs: one row per trial, repeat and epoch, in order, with every metric', async () => {
    const rows = parseCsv(await stdout(['export', 'hand', '--db', handDb, '--epochs']));
    assert.deepEqual(rows[0], [
      'number',
      'repeat',
      'epoch',
      'train_loss',
      'train_accuracy',
      'val_loss',
      'val_accuracy',
      'learning_rate',
      'epoch_seconds',
      'mutual_information',
    ]);
    assert.equal(rows.length, 1 + 2 + 9);
    assert.deepEqual(rows.slice(1, 3), [
      ['0', '0', '1', '0.7', '', '', '0.85', '', '', ''],
      ['0', '0', '2', '0.5', '', '', '0.9', '', '', ''],
    ]);
    assert.deepEqual(
      rows.slice(3).map((row) => row.slice(0, 3).join('/')),
      ['1/0/1', '1/0/2', '1/0/3', '1/1/1', '1/1/2', '1/1/3', '1/2/1', '1/2/2', '1/2/3'],
    );
    const m = epochMetrics(2, 3);
    assert.deepEqual(rows[11]?.slice(3).map(Number), [
      m.trainLoss,
      m.trainAccuracy,
      m.valLoss,
      m.valAccuracy,
      m.learningRate,
      m.epochSeconds,
      0,
    ]);
    const jsonRows = JSON.parse(await stdout(['export', 'hand', '--db', handDb, '--epochs', '--format', 'json'])) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(jsonRows[10], {
      number: 1,
      repeat: 2,
      epoch: 3,
      train_loss: m.trainLoss,
      train_accuracy: m.trainAccuracy,
      val_loss: m.valLoss,
      val_accuracy: m.valAccuracy,
      learning_rate: 0.001,
      epoch_seconds: 0.75,
      mutual_information: null,
    });
  });

  test('trials --csv is export --format csv: the same header and rows, test_accuracy included; --state keeps its rows', async () => {
    const exported = await stdout(['export', 'hand', '--db', handDb, '--format', 'csv']);
    assert.equal(await stdout(['trials', 'hand', '--db', handDb, '--csv']), exported);
    assert.ok(parseCsv(exported)[0]?.includes('test_accuracy'));
    const [header = [], ...rows] = parseCsv(exported);
    const finished = rows.filter((row) => ['PRUNED', 'FAILED'].includes(row[header.indexOf('state')] ?? ''));
    assert.equal(finished.length, 2);
    assert.deepEqual(parseCsv(await stdout(['trials', 'hand', '--db', handDb, '--csv', '--state', 'pruned,failed'])), [
      header,
      ...finished,
    ]);
  });

  test('-o FILE writes the file and says so', async () => {
    const file = join(dir, 'hand.csv');
    const result = await runCli(['export', 'hand', '--db', handDb, '-o', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `wrote 7 trials of study hand to ${file}\n`);
    assert.equal(readFileSync(file, 'utf8'), await stdout(['export', 'hand', '--db', handDb]));
  });
});

// The study `tiny` of docs/cli.md's `sweeper best tiny --group-by optimizer --top 1` and `show` examples.
describe('best, show and export on a real sweep (2 repeats, a test set)', () => {
  test('best --group-by optimizer agrees with the store', async () => {
    const output = await json<{ groups: { value: string; complete: number; trials: TrialJson[] }[] }>([
      'best',
      'tiny',
      '--db',
      sweepDb,
      '--json',
      '--group-by',
      'optimizer',
      '--top',
      '1',
    ]);
    const trials = (await json<{ trials: TrialJson[] }>(['trials', 'tiny', '--db', sweepDb, '--json'])).trials.filter(
      (t) => t.state === 'COMPLETE',
    );
    assert.ok(output.groups.length >= 1);
    for (const group of output.groups) {
      const members = trials.filter((t) => t.params.optimizer === group.value);
      assert.equal(group.complete, members.length);
      assert.equal(group.trials[0]?.value, Math.max(...members.map((t) => t.value ?? 0)));
      assert.equal(group.trials[0]?.repeats, 2);
      assert.notEqual(group.trials[0]?.test_accuracy, null);
    }
  });

  test('show --json of the best trial: both repeats with a 10-class confusion matrix over the 200 test digits', async () => {
    const [best] = (await json<{ trials: TrialJson[] }>(['best', 'tiny', '--db', sweepDb, '--json', '--top', '1'])).trials;
    assert.ok(best);
    const shown = await json<{
      repeats: { test: { accuracy: number; confusion: number[][]; classes: unknown[] } | null }[];
      epochs: unknown[];
    }>(['show', 'tiny', String(best.number), '--db', sweepDb, '--json']);
    assert.equal(shown.repeats.length, 2);
    for (const repeat of shown.repeats) {
      assert.ok(repeat.test);
      assert.equal(repeat.test.confusion.length, 10);
      assert.equal(
        repeat.test.confusion.flat().reduce((a, b) => a + b, 0),
        200,
      );
      assert.equal(repeat.test.classes.length, 10);
      const correct = repeat.test.confusion.reduce((sum, row, k) => sum + (row[k] ?? 0), 0);
      assert.equal(repeat.test.accuracy, correct / 200);
    }
    assert.equal(shown.epochs.length, 2 * 2, '2 repeats of 2 epochs');
    assert.match(await stdout(['show', 'tiny', String(best.number), '--db', sweepDb]), /confusion matrix[\s\S]*macro avg/);
  });

  test('export csv and --epochs agree with the store', async () => {
    const stored = readTrials(sweepDb, 'tiny');
    const records = parseCsvRecords(await stdout(['export', 'tiny', '--db', sweepDb]));
    assert.deepEqual(
      records.map((r) => [Number(r.number), r.state, Number(r.value)]),
      stored.map((t) => [t.number, t.state, t.value]),
    );
    const epochs = parseCsvRecords(await stdout(['export', 'tiny', '--db', sweepDb, '--epochs']));
    assert.equal(
      epochs.length,
      stored.reduce((sum, t) => sum + t.epochs, 0),
    );
    assert.ok(epochs.every((row) => Number(row.val_accuracy) > 0 && Number(row.train_loss) > 0));
  });
});

describe('bad input: message and exit code 2', () => {
  test('unknown study or trial, bad --where, --group-by, --format and trial number', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['best', 'nope', '--db', handDb, '--where', 'depth=2'],
        /^error: no study named "nope" in .*hand\.db\nhint: list the studies with `sweeper studies`/,
      ],
      [['show', 'nope', '1', '--db', handDb], /^error: no study named "nope"/],
      [['export', 'nope', '--db', handDb], /^error: no study named "nope"/],
      [['show', 'hand', '99', '--db', handDb], /^error: study hand has no trial 99\nhint: list its trials with `sweeper trials hand`/],
      [['show', 'hand', 'one', '--db', handDb], /argument 'trial'\. expected a whole number >= 0, but got "one"/],
      [
        ['best', 'hand', '--db', handDb, '--where', 'width=2'],
        /^error: --where width: study "hand" has no parameter "width"\nhint: its parameters are optimizer, depth, batch_norm, learning_rate, momentum\n/,
      ],
      [['best', 'hand', '--db', handDb, '--where', 'depth=two'], /^error: --where depth: must be an integer, but got "two"\n/],
      [['best', 'hand', '--db', handDb, '--where', 'depth=2.5'], /^error: --where depth: must be an integer, but got "2\.5"\n/],
      [['best', 'hand', '--db', handDb, '--where', 'depth=9'], /^error: --where depth: must be an integer from 1 to 4, but got "9"\n/],
      [
        ['best', 'hand', '--db', handDb, '--where', 'batch_norm=yes'],
        /^error: --where batch_norm: must be one of true, false, but got "yes"\n/,
      ],
      [
        ['best', 'hand', '--db', handDb, '--where', 'optimizer=adamw'],
        /^error: --where optimizer: must be one of sgd, adam, rmsprop, but got "adamw"\n/,
      ],
      [
        ['best', 'hand', '--db', handDb, '--where', 'learning_rate=fast'],
        /^error: --where learning_rate: must be a number, but got "fast"\n/,
      ],
      [
        ['best', 'hand', '--db', handDb, '--where', 'optimizer'],
        /^error: --where must be NAME=VALUE or NAME<VALUE \(also <=, >, >=\), but got "optimizer"\nhint: e\.g\. --where optimizer=adam/,
      ],
      [
        ['best', 'hand', '--db', handDb, '--where', 'optimizer<adam'],
        /^error: --where optimizer<adam: optimizer has choices that are not numbers, so it has no order; only numeric parameters take <, <=, > and >=\nhint: choose values with --where optimizer=VALUE/,
      ],
      [
        ['best', 'hand', '--db', handDb, '--where', 'learning_rate<fast'],
        /^error: --where learning_rate<: must be a number, but got "fast"\n/,
      ],
      [
        ['best', 'hand', '--db', handDb, '--where', 'depth<2', '--where', 'depth<3'],
        /^error: --where depth< is given twice \(2 and 3\): give each bound once\n/,
      ],
      [
        ['best', 'hand', '--db', handDb, '--where', 'depth=2', '--where', 'depth<3'],
        /^error: --where depth: give either values \(depth=A --where depth=B\) or bounds \(depth>=A --where depth<B\), not both\n/,
      ],
      [['best', 'hand', '--db', handDb, '--group-by', 'width'], /^error: --group-by width: study "hand" has no parameter "width"/],
      [['export', 'hand', '--db', handDb, '--format', 'xml'], /argument 'xml' is invalid\. Allowed choices are csv, json, jsonl\./],
      [
        ['export', 'hand', '--db', handDb, '-o', join(dir, 'missing', 'x.csv')],
        /^error: -o .*missing\/x\.csv: cannot write the file: ENOENT/,
      ],
      [['export', 'hand', '--db', join(dir, 'absent.db')], /^error: no trial store at .*absent\.db/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stdout, '', `${args.join(' ')}: nothing on standard output`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('--help lists the new commands', async () => {
    const help = await runCli(['--help']);
    for (const command of ['show', 'export']) assert.match(help.stdout, new RegExp(`\\n  ${command} `));
  });
});
