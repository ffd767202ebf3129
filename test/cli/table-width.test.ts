import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { runCli, SWEEPER_BIN } from '../helpers/cli-process.js';
import { lineWidth, tableHeaders } from '../helpers/table-text.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studyDefinition } from '../store/study-fixture.js';

const dir = tempDir();
const db = join(dir, 'wide.db');
const PARAMS = ['optimizer', 'learning_rate', 'momentum', 'weight_decay', 'depth', 'width', 'activation', 'batch_size', 'dropout_rate'];

/** Like the quick start's best table (172 characters wide): 9 parameters, 2 repeats, a test set, every trial 4 epochs. */
before(async () => {
  const store = SqliteTrialStore.open(db);
  const study = await store.createStudy(
    studyDefinition('wide', {
      space: {
        optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
        learning_rate: { type: 'float', low: 1e-4, high: 1, log: true },
        momentum: { type: 'float', low: 0, high: 0.99, log: false, when: { optimizer: ['sgd'] } },
        weight_decay: { type: 'float', low: 1e-6, high: 1e-2, log: true },
        depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
        width: { type: 'int', low: 16, high: 512, log: true, step: 1 },
        activation: { type: 'categorical', choices: ['relu', 'sigmoid', 'elu'] },
        batch_size: { type: 'categorical', choices: [32, 64, 128] },
        dropout_rate: { type: 'float', low: 0, high: 0.5, log: false },
      },
    }),
  );
  for (let i = 0; i < 6; i++) {
    const optimizer = ['sgd', 'adam', 'rmsprop'][i % 3] as string;
    const params = {
      optimizer,
      learning_rate: 0.00123 * (i + 1),
      ...(optimizer === 'sgd' && { momentum: 0.9 }),
      weight_decay: 0.000234 * (i + 1),
      depth: 1 + (i % 4),
      width: 16 * (i + 1),
      activation: ['relu', 'sigmoid', 'elu'][i % 3] as string,
      batch_size: 64,
      dropout_rate: 0.1 * (i % 5),
    };
    const trial = await store.createTrial(study.id, params, { worker: 'host:1' });
    await store.finishTrial(trial.id, 1, {
      state: 'COMPLETE',
      result: {
        value: 0.9 + i / 100,
        valueStd: 0.01,
        repeats: 2,
        epochs: 4,
        bestEpoch: 4,
        trainSeconds: 2 + i,
        testAccuracy: 0.88 + i / 100,
      },
    });
  }
  const failed = await store.createTrial(
    study.id,
    { optimizer: 'adam', learning_rate: 10, weight_decay: 0.001, depth: 2, width: 32, activation: 'relu', batch_size: 64, dropout_rate: 0 },
    { worker: 'host:1' },
  );
  await store.finishTrial(failed.id, 1, { state: 'FAILED', reason: 'diverged' });
  await store.close();
});

async function output(args: string[], columns?: number): Promise<string> {
  const result = await runCli([...args, '--db', db], { ...(columns !== undefined && { env: { COLUMNS: String(columns) } }) });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

/** Every line within `width`; rank, trial and the objective shown; each column left out named in a note under the table. */
function assertFits(text: string, width: number, expected: readonly string[], what: string): void {
  const lines = text.replace(/\r/g, '').split('\n');
  for (const line of lines) assert.ok(lineWidth(line) <= width, `${what} at ${width}: a line of ${lineWidth(line)}:\n${text}`);
  const headers = tableHeaders(text);
  for (const always of expected) assert.ok(headers.includes(always), `${what} at ${width} shows ${always}: ${headers.join(' | ')}`);
  const notes = lines.filter((line) => !/^[┌│├└]/.test(line)).join(' ');
  for (const param of PARAMS.filter((name) => !headers.includes(name)))
    assert.match(notes, new RegExp(`\\b${param}\\b`), `${what} at ${width} says where ${param} went:\n${text}`);
}

// docs/cli.md, "Tables and the terminal": `sweeper best quickstart` on a terminal of 80 columns.
describe('tables fit the terminal', () => {
  test('piped, with no COLUMNS, a table keeps every column (the data is wider than 120)', async () => {
    const text = await output(['best', 'wide']);
    assert.deepEqual(tableHeaders(text), [
      'rank',
      'trial',
      'state',
      'val_accuracy',
      'test accuracy',
      'epochs',
      'best epoch',
      'train time',
      ...PARAMS,
    ]);
    assert.ok(Math.max(...text.split('\n').map(lineWidth)) > 120);
    assert.doesNotMatch(text, /same in every row|not shown/);
  });

  for (const width of [80, 120]) {
    test(`at ${width} columns: best, best --group-by, trials and show's tables fit, and say what they left out`, async () => {
      const best = await output(['best', 'wide'], width);
      assertFits(best, width, ['rank', 'trial', 'val_accuracy'], 'best');
      assert.match(best, /same in every row: state COMPLETE, epochs 4, best epoch 4, batch_size 64/);
      assertFits(
        await output(['best', 'wide', '--group-by', 'optimizer', '--top', '2'], width),
        width,
        ['rank', 'trial', 'val_accuracy'],
        'best --group-by',
      );
      assertFits(await output(['trials', 'wide'], width), width, ['trial', 'val_accuracy'], 'trials');
      const tables = (await output(['show', 'wide', '1'], width)).split('\n').filter((line) => /^[┌│├└]/.test(line));
      for (const line of tables) assert.ok(lineWidth(line) <= width, `show at ${width}: ${line}`);
    });
  }

  test('on a terminal of 80 columns (a pseudo-terminal made by script), without COLUMNS', (t) => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
    } catch {
      t.skip('needs `script` (util-linux) to give sweeper a terminal');
      return;
    }
    const env = { ...process.env };
    delete env.COLUMNS;
    const text = execFileSync(
      'script',
      ['-qec', `stty cols 80 rows 50; ${process.execPath} ${SWEEPER_BIN} best wide --db ${db}`, '/dev/null'],
      { encoding: 'utf8', env },
    );
    assertFits(text, 80, ['rank', 'trial', 'val_accuracy'], 'best on a terminal');
    assert.match(text, /not shown, to fit 80 columns: /);
  });

  test('a width the table fits changes nothing', async () => {
    assert.equal(await output(['best', 'wide'], 400), await output(['best', 'wide']));
  });

  test('--columns chooses the columns after rank, trial and the objective, kept at any width', async () => {
    const text = await output(['best', 'wide', '--columns', 'width,params_learning_rate, state'], 40);
    assert.deepEqual(tableHeaders(text), ['rank', 'trial', 'val_accuracy', 'width', 'learning_rate', 'state']);
    assert.doesNotMatch(text, /not shown|same in every row/);
    assert.deepEqual(tableHeaders(await output(['trials', 'wide', '--columns', 'test_accuracy,depth'])), [
      'trial',
      'val_accuracy',
      'test accuracy',
      'depth',
    ]);
  });

  test('an unknown column is an error naming the ones there are (exit 2)', async () => {
    for (const command of [
      ['best', 'wide'],
      ['trials', 'wide'],
    ]) {
      const result = await runCli([...command, '--db', db, '--columns', 'width,lr']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^error: --columns must name columns of this table \((rank, )?trial, state, val_accuracy, test_accuracy, epochs, best_epoch, train_time, optimizer, learning_rate, momentum, weight_decay, depth, width, activation, batch_size, dropout_rate\), but got "lr"\n/,
      );
    }
    const withJson = await runCli(['best', 'wide', '--db', db, '--columns', 'width', '--json']);
    assert.equal(withJson.code, 2);
    assert.match(withJson.stderr, /option '--columns <names>' cannot be used with option '--json'/);
  });
});
