import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { runCli } from '../helpers/cli-process.js';
import { parseCsvRecords } from '../helpers/parse-csv.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studyDefinition } from '../store/study-fixture.js';

/**
 * What a study of a user's own code (command: or module: tasks) leaves in the store, read back by
 * the real CLI: metrics beyond the built-in ones, test evaluations without a confusion matrix, and
 * the end of each run's output (`sweeper logs`): the commands of docs/cli.md's `sweeper logs`
 * section, on this store.
 */
const dir = tempDir();
const db = join(dir, 'own.db');

const ESC = '\u001b';
const FAILED_LOG = `Traceback (most recent call last):\n  File "train.py", line 3\n${ESC}]52;c;aGk=\u0007ValueError: bad\n`;

async function makeStore(): Promise<void> {
  const store = SqliteTrialStore.open(db);
  try {
    const study = await store.createStudy(studyDefinition('own', { objective: { metric: 'val_f1', direction: 'maximize' }, repeats: 2 }));
    // Trial 0: COMPLETE, two repeats, extras, a test evaluation without a confusion matrix, logs.
    const t0 = await store.createTrial(study.id, { lr: 0.01, depth: 2 }, { worker: 'w1' });
    for (const repeat of [0, 1]) {
      await store.recordEpoch(t0.id, 1, repeat, 1, { valLoss: 0.5, extra: { val_f1: 0.25 + repeat / 10, perplexity: 12.5 } });
      await store.recordEpoch(t0.id, 1, repeat, 2, { valLoss: 0.4, extra: { val_f1: 0.5 + repeat / 10 } });
      await store.recordRepeat(t0.id, 1, {
        repeat,
        seed: repeat,
        value: 0.5 + repeat / 10,
        epochs: 2,
        bestEpoch: 2,
        trainSeconds: 1,
        test: { epoch: 2, loss: 0.375, accuracy: 0.875 },
      });
      await store.recordLog(t0.id, 1, repeat, `repeat ${repeat}: epoch 1\nrepeat ${repeat}: epoch 2\n`);
    }
    await store.finishTrial(t0.id, 1, {
      state: 'COMPLETE',
      result: { value: 0.55, valueStd: 0.07, repeats: 2, epochs: 2, bestEpoch: 2, trainSeconds: 1, testAccuracy: 0.875 },
    });
    // Trial 1: FAILED, its log (with a terminal escape in it) kept.
    const t1 = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w1' });
    await store.recordEpoch(t1.id, 1, 0, 1, { extra: { bleu: 3.5 } });
    await store.recordLog(t1.id, 1, 0, FAILED_LOG);
    await store.finishTrial(t1.id, 1, { state: 'FAILED', reason: 'repeat 0 failed: exit code 1' });
    // Trial 2: COMPLETE, the built-in training's: no log.
    const t2 = await store.createTrial(study.id, { lr: 0.2, depth: 1 }, { worker: 'w1' });
    await store.finishTrial(t2.id, 1, { state: 'COMPLETE', result: { value: 0.1, repeats: 1, epochs: 1, bestEpoch: 1, trainSeconds: 1 } });
  } finally {
    await store.close();
  }
}

describe("a study of a user's own code, through the CLI", () => {
  before(makeStore);

  test("sweeper logs prints each repeat's log under its repeat; --repeat picks one", async () => {
    const all = await runCli(['logs', 'own', '0', '--db', db]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(
      all.stdout,
      '== repeat 0 ==\nrepeat 0: epoch 1\nrepeat 0: epoch 2\n== repeat 1 ==\nrepeat 1: epoch 1\nrepeat 1: epoch 2\n',
    );
    const one = await runCli(['logs', 'own', '0', '--repeat', '1', '--db', db]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, '== repeat 1 ==\nrepeat 1: epoch 1\nrepeat 1: epoch 2\n');
  });

  test("a FAILED trial's log is kept, its control characters shown, never sent to the terminal", async () => {
    const failed = await runCli(['logs', 'own', '1', '--db', db]);
    assert.equal(failed.code, 0, failed.stderr);
    assert.ok(!failed.stdout.includes(ESC) && !failed.stdout.includes('\u0007'), JSON.stringify(failed.stdout));
    assert.match(failed.stdout, /\\x1b\]52;c;aGk=\\x07ValueError: bad\n$/);
    assert.match(failed.stdout, /^== repeat 0 ==\nTraceback \(most recent call last\):\n/);
  });

  test('no log, no such repeat, no such trial: an error that says so', async () => {
    const none = await runCli(['logs', 'own', '2', '--db', db]);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /no log kept for trial 2 of study "own"/);
    const repeat = await runCli(['logs', 'own', '0', '--repeat', '5', '--db', db]);
    assert.notEqual(repeat.code, 0);
    assert.match(repeat.stderr, /no log kept for repeat 5 of trial 0/);
    const trial = await runCli(['logs', 'own', '9', '--db', db]);
    assert.notEqual(trial.code, 0);
    assert.match(trial.stderr, /trial 9/);
  });

  test('show --json: extras per epoch; a test evaluation without a confusion matrix', async () => {
    const shown = await runCli(['show', 'own', '0', '--json', '--db', db]);
    assert.equal(shown.code, 0, shown.stderr);
    const json = JSON.parse(shown.stdout) as {
      epochs: { repeat: number; epoch: number; extra: Record<string, number> }[];
      repeats: { test: { accuracy: number; confusion: unknown; classes: unknown[]; macro: unknown } }[];
    };
    assert.deepEqual(
      json.epochs.map((e) => [e.repeat, e.epoch, e.extra]),
      [
        [0, 1, { val_f1: 0.25, perplexity: 12.5 }],
        [0, 2, { val_f1: 0.5 }],
        [1, 1, { val_f1: 0.35, perplexity: 12.5 }],
        [1, 2, { val_f1: 0.6 }],
      ],
    );
    assert.deepEqual(json.repeats[0]?.test, { epoch: 2, loss: 0.375, accuracy: 0.875, confusion: null, classes: [], macro: null });
  });

  test('show: the epochs table has a column per extra metric; the test evaluation without a matrix', async () => {
    const shown = await runCli(['show', 'own', '0', '--db', db], { env: { COLUMNS: '200' } });
    assert.equal(shown.code, 0, shown.stderr);
    const header = shown.stdout.split('\n').find((line) => /\brepeat\b.*\bepoch\b.*\bval_loss\b/.test(line)) ?? '';
    assert.match(header, /perplexity.*val_f1/);
    assert.match(shown.stdout, /val_f1 by epoch 1\.\.2 \(mean over 2 repeats\), from 0\.3000 to 0\.5500/);
    assert.match(shown.stdout, /test evaluation of repeat 0 \(weights of epoch 2\): accuracy 0\.8750, loss 0\.375/);
    assert.doesNotMatch(shown.stdout, /confusion matrix/);
    assert.match(shown.stdout, /the end of the output of repeats 0, 1 is kept: sweeper logs own 0\n$/);
    const failed = await runCli(['show', 'own', '1', '--db', db]);
    assert.match(failed.stdout, /repeat 0 failed: exit code 1/);
    assert.match(failed.stdout, /the end of the output of repeat 0 is kept: sweeper logs own 1\n$/);
  });

  test('export --epochs: a CSV column per extra metric of the study, sorted; JSON too', async () => {
    const csv = await runCli(['export', 'own', '--epochs', '--db', db]);
    assert.equal(csv.code, 0, csv.stderr);
    const [header] = csv.stdout.split('\n');
    assert.equal(
      header,
      'number,repeat,epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,epoch_seconds,mutual_information,bleu,perplexity,val_f1',
    );
    const records = parseCsvRecords(csv.stdout);
    assert.deepEqual(
      records.map((r) => [r.number, r.repeat, r.epoch, r.bleu, r.perplexity, r.val_f1]),
      [
        ['0', '0', '1', '', '12.5', '0.25'],
        ['0', '0', '2', '', '', '0.5'],
        ['0', '1', '1', '', '12.5', '0.35'],
        ['0', '1', '2', '', '', '0.6'],
        ['1', '0', '1', '3.5', '', ''],
      ],
    );
    const json = await runCli(['export', 'own', '--epochs', '--format', 'json', '--db', db]);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    assert.equal(rows[0]?.val_f1, 0.25);
    assert.equal(rows[4]?.bleu, 3.5);
    assert.equal(rows[4]?.val_f1, undefined);
  });
});
