import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli-process.js';
import { freePort } from '../helpers/free-port.js';
import { parseCsvRecords } from '../helpers/parse-csv.js';
import { jsonExamples, pageBlocks, sectionBlocks, tableCells } from '../helpers/markdown.js';
import { shortenSweep, SWEEPS_DIR } from '../helpers/shortened-sweep.js';
import { SweeperProcess } from '../helpers/sweeper-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * README.md's quick start, and the examples of docs/cli.md that read the quick start's store, typed
 * as the pages type them, in a folder that holds the quick start file as sweeps/quickstart.yaml
 * (shortened to 3 trials of 1 epoch; its test split of 1,000 digits kept).
 */
const TRIALS = 3;
const dir = tempDir('sweeper-e2e-quickstart-');
shortenSweep(join(SWEEPS_DIR, 'quickstart.yaml'), join(dir, 'sweeps'), { trials: TRIALS, epochs: 1 });

/** `npx sweeper ARGS` in that folder; `--db` defaults to ./sweeper.db there. */
const sweeper = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir });
async function ok(...args: string[]): Promise<string> {
  const result = await sweeper(...args);
  assert.equal(result.code, 0, `sweeper ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The shapes docs/cli.md documents under "JSON output": a trial and a study. */
const [TRIAL_EXAMPLE, STUDY_EXAMPLE] = ((): [Record<string, unknown>, Record<string, unknown>] => {
  const examples = jsonExamples('docs/cli.md') as Record<string, unknown>[];
  const trial = examples.find((e) => 'number' in e && 'state' in e);
  const study = examples.find((e) => 'name' in e && 'budget' in e);
  assert.ok(trial && study, 'docs/cli.md has a trial and a study under "JSON output"');
  return [trial, study];
})();

/** The parameters that only some trials have (`when: { optimizer: ... }`): a column only when one of the shown trials has it. */
const CONDITIONAL = new Set(['momentum', 'beta1']);

/** The header of a box-drawn table: the first row of cells in `text` (after `from`). */
function header(text: string, from = 0): string[] {
  const row = text
    .slice(from)
    .split('\n')
    .find((line) => line.startsWith('│'));
  assert.ok(row, `a table after ${JSON.stringify(text.slice(from, from + 80))}`);
  return tableCells(row);
}

/** The data rows of the first table in `text` (after `from`). */
function rows(text: string, from = 0): string[][] {
  const lines = text.slice(from).split('\n');
  const start = lines.findIndex((line) => line.startsWith('├'));
  const end = lines.findIndex((line, i) => i > start && line.startsWith('└'));
  return lines.slice(start + 1, end).map(tableCells);
}

interface TrialJson {
  number: number;
  state: string;
  value: number;
  test_accuracy: number | null;
  params: Record<string, unknown>;
}

describe('README.md "Quick start": npx sweeper run sweeps/quickstart.yaml', () => {
  let run: CliResult;

  test('runs the sweep and prints the study line and the best trials with their test accuracy', async () => {
    run = await sweeper('run', 'sweeps/quickstart.yaml');
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(dir, 'sweeper.db')), 'the store is ./sweeper.db');
    const [studyLine, bestLine] = run.stdout.split('\n');
    assert.equal(studyLine, `study quickstart: ${TRIALS} complete, 0 failed, 0 pruned, 0 queued`);
    assert.equal(bestLine, `best ${TRIALS} by val_accuracy (maximize):`);

    // The columns of the README's table, in its order (momentum and beta1 as the trials have them).
    const readmeOutput = sectionBlocks('README.md', 'Quick start').find((b) => b.text.startsWith('study quickstart:'));
    assert.ok(readmeOutput, 'the README shows what the quick start prints');
    const documented = header(readmeOutput.text);
    const printed = header(run.stdout);
    assert.deepEqual(
      printed.filter((c) => !CONDITIONAL.has(c)),
      documented.filter((c) => !CONDITIONAL.has(c)),
      run.stdout,
    );
    assert.deepEqual(
      documented.filter((c) => printed.includes(c)),
      printed,
      'no column the README does not have, none out of order',
    );
    assert.ok(printed.includes('test accuracy'));

    const table = rows(run.stdout);
    assert.equal(table.length, TRIALS);
    const column = (name: string): string[] => table.map((row) => row[printed.indexOf(name)] ?? '');
    assert.deepEqual(column('rank'), ['1', '2', '3']);
    assert.deepEqual(column('state'), ['COMPLETE', 'COMPLETE', 'COMPLETE']);
    for (const name of ['val_accuracy', 'test accuracy']) for (const cell of column(name)) assert.match(cell, /^[01]\.\d{4}$/, name);
    assert.deepEqual(column('epochs'), ['1', '1', '1']);
    assert.deepEqual(column('best epoch'), ['1', '1', '1']);
    for (const cell of column('train time')) assert.match(cell, /^\d+\.\ds$/);
    const values = column('val_accuracy').map(Number);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'best first',
    );
  });

  test('without a terminal, the logs are JSON lines on standard error', () => {
    const lines = run.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    assert.ok(lines.some((line) => line.msg === 'sweep ended'));
    assert.equal(existsSync(join(dir, 'sweeper.db.log')), false);
  });
});

describe("docs/cli.md on the quick start's store", () => {
  test('sweeper best quickstart --top 3: the table, with test accuracy', async () => {
    const text = await ok('best', 'quickstart', '--top', '3');
    assert.match(text, /^best 3 of study quickstart by val_accuracy \(maximize\):\n/);
    assert.deepEqual(header(text).slice(0, 8), [
      'rank',
      'trial',
      'state',
      'val_accuracy',
      'test accuracy',
      'epochs',
      'best epoch',
      'train time',
    ]);
    assert.equal(rows(text).length, 3);
  });

  test('sweeper best quickstart --top 1 --json: study, where and the best trial, in the documented shapes', async () => {
    const output = JSON.parse(await ok('best', 'quickstart', '--top', '1', '--json')) as {
      study: Record<string, unknown>;
      where: unknown;
      trials: Record<string, unknown>[];
    };
    assert.deepEqual(Object.keys(output), ['study', 'where', 'trials']);
    assert.deepEqual(output.where, {});
    assert.deepEqual(Object.keys(output.study), Object.keys(STUDY_EXAMPLE));
    assert.deepEqual(output.study.counts, { QUEUED: 0, RUNNING: 0, COMPLETE: TRIALS, PRUNED: 0, FAILED: 0 });
    assert.equal(output.trials.length, 1);
    const [best] = output.trials;
    assert.deepEqual(Object.keys(best ?? {}), Object.keys(TRIAL_EXAMPLE));
    assert.equal(typeof best?.test_accuracy, 'number', 'the quick start has a test split');
    assert.equal(best?.value, output.study.best_value);
  });

  test('sweeper best quickstart --where depth=two: the error docs/cli.md shows, exit 2', async () => {
    const result = await sweeper('best', 'quickstart', '--where', 'depth=two');
    assert.equal(result.code, 2);
    const documented = pageBlocks('docs/cli.md')
      .flatMap((b) => b.text.split('\n'))
      .find((line) => line.startsWith('error: --where depth'));
    assert.ok(documented, 'docs/cli.md shows the error');
    assert.equal(result.stderr.split('\n')[0], documented);
  });

  test('sweeper show quickstart N: state, parameters, result, repeats, epochs, curve, test evaluation, confusion matrix, per-class scores', async () => {
    const [best] = (JSON.parse(await ok('best', 'quickstart', '--top', '1', '--json')) as { trials: TrialJson[] }).trials;
    assert.ok(best);
    const text = await ok('show', 'quickstart', String(best.number));
    assert.match(
      text,
      new RegExp(
        `^trial ${best.number} of study quickstart: COMPLETE\\nattempt 1 on worker \\S+; queued \\S+, started \\S+, finished \\S+ \\(\\d+\\.\\ds\\)\\n`,
      ),
    );
    assert.match(text, /\nparameters:\n {2}optimizer +(sgd|adam)\n {2}learning_rate +\S+\n/);
    assert.match(
      text,
      new RegExp(
        `\\nresult: val_accuracy ${best.value.toFixed(4)}; best epoch 1 of 1; train time \\d+\\.\\ds; test accuracy ${best.test_accuracy?.toFixed(4)}\\n`,
      ),
    );
    assert.deepEqual(header(text, text.indexOf('repeats:')), [
      'repeat',
      'seed',
      'val_accuracy',
      'epochs',
      'best epoch',
      'train time',
      'test accuracy',
      'test loss',
    ]);
    assert.deepEqual(header(text, text.indexOf('epochs:')), [
      'repeat',
      'epoch',
      'train_loss',
      'train_accuracy',
      'val_loss',
      'val_accuracy',
      'learning_rate',
      'epoch_seconds',
    ]);
    assert.match(text, /\nval_accuracy by epoch 1\.\.1 /);
    assert.match(
      text,
      /\ntest evaluation \(weights of epoch 1\): accuracy \d\.\d{4}, loss \d+\.\d{4}\nconfusion matrix \(rows: actual class, columns: predicted class\):\n/,
    );
    const matrix = rows(text, text.indexOf('confusion matrix'));
    assert.deepEqual(header(text, text.indexOf('confusion matrix')), [
      'actual \\ predicted',
      ...Array.from({ length: 10 }, (_, k) => String(k)),
    ]);
    assert.equal(
      matrix.flatMap((row) => row.slice(1)).reduce((sum, cell) => sum + Number(cell), 0),
      1000,
      'the 1,000 test digits of the quick start file',
    );
    assert.deepEqual(header(text, text.indexOf('per class:')), ['class', 'precision', 'recall', 'f1', 'support']);
    assert.match(text, /│ macro avg +│ \d\.\d{4} +│ \d\.\d{4} +│ \d\.\d{4} +│ 1000 +│/);
  });

  test('sweeper show quickstart N --json: trial, repeats with their test evaluation, epochs, in the documented shapes', async () => {
    const [best] = (JSON.parse(await ok('best', 'quickstart', '--top', '1', '--json')) as { trials: TrialJson[] }).trials;
    assert.ok(best);
    const output = JSON.parse(await ok('show', 'quickstart', String(best.number), '--json')) as {
      study: Record<string, unknown>;
      trial: Record<string, unknown>;
      repeats: {
        test: { confusion: number[][]; classes: Record<string, unknown>[]; macro: Record<string, unknown> } & Record<string, unknown>;
      }[];
      epochs: Record<string, unknown>[];
      schedule: unknown[];
    };
    assert.deepEqual(Object.keys(output), ['study', 'trial', 'repeats', 'epochs', 'schedule']);
    assert.deepEqual(output.schedule, [], 'the quick start is no PBT study');
    assert.deepEqual(Object.keys(output.trial), Object.keys(TRIAL_EXAMPLE));
    // As docs/cli.md lists them under "JSON output", show --json.
    assert.equal(output.repeats.length, 1);
    const [repeat] = output.repeats;
    assert.ok(repeat);
    assert.deepEqual(Object.keys(repeat), ['repeat', 'seed', 'value', 'epochs', 'best_epoch', 'train_seconds', 'test']);
    assert.deepEqual(Object.keys(repeat.test), ['epoch', 'loss', 'accuracy', 'confusion', 'classes', 'macro']);
    assert.equal(repeat.test.accuracy, best.test_accuracy);
    assert.equal(repeat.test.confusion.length, 10);
    assert.equal(
      repeat.test.confusion.flat().reduce((a, b) => a + b, 0),
      1000,
    );
    assert.deepEqual(Object.keys(repeat.test.classes[0] ?? {}), ['class', 'name', 'precision', 'recall', 'f1', 'support']);
    assert.deepEqual(Object.keys(repeat.test.macro), ['precision', 'recall', 'f1']);
    assert.equal(output.epochs.length, 1);
    assert.deepEqual(Object.keys(output.epochs[0] ?? {}), [
      'repeat',
      'epoch',
      'train_loss',
      'train_accuracy',
      'val_loss',
      'val_accuracy',
      'learning_rate',
      'epoch_seconds',
      'mutual_information',
      'extra',
    ]);
  });

  test('sweeper export quickstart (> trials.csv, --epochs -o, --format json -o, --format jsonl): the documented columns', async () => {
    const trialColumns = [
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
    ];
    // Every parameter of the space, alphabetical, as Optuna's trials_dataframe() names them.
    const params = ['activation', 'batch_size', 'beta1', 'depth', 'learning_rate', 'momentum', 'optimizer', 'width'].map(
      (name) => `params_${name}`,
    );
    const csv = await ok('export', 'quickstart');
    assert.equal(csv.split('\n')[0], [...trialColumns, ...params].join(','));
    const trials = parseCsvRecords(csv);
    assert.equal(trials.length, TRIALS);
    assert.ok(trials.every((t) => t.state === 'COMPLETE' && Number(t.test_accuracy) > 0));

    assert.equal(
      await ok('export', 'quickstart', '--epochs', '-o', 'epochs.csv'),
      `wrote ${TRIALS} epochs of study quickstart to epochs.csv\n`,
    );
    const epochs = readFileSync(join(dir, 'epochs.csv'), 'utf8');
    assert.equal(
      epochs.split('\n')[0],
      'number,repeat,epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,epoch_seconds,mutual_information',
    );
    const epochRows = parseCsvRecords(epochs);
    assert.deepEqual(epochRows.map((e) => e.number).sort(), trials.map((t) => t.number).sort(), 'joins the trials on number');

    assert.equal(
      await ok('export', 'quickstart', '--format', 'json', '-o', 'trials.json'),
      `wrote ${TRIALS} trials of study quickstart to trials.json\n`,
    );
    const records = JSON.parse(readFileSync(join(dir, 'trials.json'), 'utf8')) as Record<string, unknown>[];
    assert.equal(records.length, TRIALS);
    assert.deepEqual(Object.keys(records[0] ?? {}), [...trialColumns, ...params]);
    assert.equal(typeof records[0]?.test_accuracy, 'number', 'typed values');

    const lines = (await ok('export', 'quickstart', '--format', 'jsonl')).trim().split('\n');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as unknown),
      records,
    );
  });

  test('sweeper trials quickstart (--state failed, --state complete,pruned before the study, --csv, --json)', async () => {
    assert.equal(await ok('trials', 'quickstart', '--state', 'failed'), 'study quickstart has no trials in state FAILED\n');
    const kept = await ok('trials', '--state', 'complete,pruned', 'quickstart');
    assert.equal(kept, await ok('trials', 'quickstart'), 'every trial is COMPLETE: the filter keeps them all');
    const csv = await ok('trials', 'quickstart', '--csv');
    assert.match(csv.split('\n')[0] ?? '', /^number,state,value,.*,params_learning_rate,.*params_optimizer/);
    assert.equal(parseCsvRecords(csv).length, TRIALS);
    const output = JSON.parse(await ok('trials', 'quickstart', '--json')) as { study: Record<string, unknown>; trials: TrialJson[] };
    assert.deepEqual(Object.keys(output), ['study', 'trials']);
    assert.deepEqual(
      output.trials.map((t) => t.number),
      [0, 1, 2],
      'by trial number',
    );
  });

  test('sweeper run sweeps/quickstart.yaml --study quickstart-2: the same file, a new study beside the first', async () => {
    const text = await ok('run', 'sweeps/quickstart.yaml', '--study', 'quickstart-2');
    assert.match(text, new RegExp(`^study quickstart-2: ${TRIALS} complete, 0 failed, 0 pruned, 0 queued\\n`));
    const output = JSON.parse(await ok('studies', '--json')) as { studies: Record<string, unknown>[] };
    assert.deepEqual(output.studies.map((s) => s.name).sort(), ['quickstart', 'quickstart-2']);
    for (const study of output.studies) {
      assert.deepEqual(Object.keys(study), Object.keys(STUDY_EXAMPLE));
      assert.equal(study.budget, TRIALS);
      assert.deepEqual(study.counts, { QUEUED: 0, RUNNING: 0, COMPLETE: TRIALS, PRUNED: 0, FAILED: 0 });
    }
  });

  test('sweeper run sweeps/quickstart.yaml --db runs.db --threads 2, then sweeper report quickstart -o quickstart.html --db runs.db --top 5', async () => {
    assert.match(await ok('run', 'sweeps/quickstart.yaml', '--db', 'runs.db', '--threads', '2'), /^study quickstart: 3 complete/);
    assert.match(
      await ok('report', 'quickstart', '-o', 'quickstart.html', '--db', 'runs.db', '--top', '5'),
      /^wrote the report of study quickstart to quickstart\.html \(\d+\.\d MB\)\n$/,
    );
    const html = readFileSync(join(dir, 'quickstart.html'), 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.doesNotMatch(html, /<script[^>]+src=/i, 'opens offline: nothing is fetched');
    assert.match(html, /quickstart/);
    assert.match(html, /[Cc]onfusion matrix/, 'the quick start has a test split');
  });

  test('sweeper dashboard --db runs.db: serves the studies until Ctrl-C, then exits 0', async (t) => {
    const port = await freePort();
    // The command of docs/cli.md listens on 127.0.0.1:7401; a test takes a free port instead.
    const dashboard = new SweeperProcess('dashboard', ['dashboard', '--db', 'runs.db', '--listen', `127.0.0.1:${port}`], { cwd: dir });
    t.after(() => dashboard.kill());
    await dashboard.waitForOutput(/dashboard on (\S+)/, t.signal);
    const response = await fetch(`http://127.0.0.1:${port}/api/studies`);
    assert.equal(response.status, 200);
    const studies = (await response.json()) as { studies: { name: string }[] };
    assert.deepEqual(
      studies.studies.map((s) => s.name),
      ['quickstart'],
    );
    const stopped = await dashboard.stop('SIGINT');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /dashboard stopped\n$/);
  });

  test('sweeper dashboard --db runs.db --listen HOST:PORT --token-file token: the token, or ?token= once per browser', async (t) => {
    const token = 'a-token-of-at-least-16-characters';
    writeFileSync(join(dir, 'token'), `${token}\n`);
    const port = await freePort();
    // docs/cli.md listens on 0.0.0.0 (what the token is for); a test stays on loopback.
    const dashboard = new SweeperProcess(
      'dashboard',
      ['dashboard', '--db', 'runs.db', '--listen', `127.0.0.1:${port}`, '--token-file', 'token'],
      { cwd: dir },
    );
    t.after(() => dashboard.kill());
    await dashboard.waitForOutput(/dashboard on \S+/, t.signal);
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/api/studies`)).status, 401);
    assert.equal((await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    const opened = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
    assert.ok(opened.status >= 300 && opened.status < 400, `a redirect, got ${opened.status}`);
    const cookie = opened.headers.get('set-cookie')?.split(';')[0];
    assert.ok(cookie, 'a cookie for the browser');
    assert.equal((await fetch(`${base}/api/studies`, { headers: { cookie } })).status, 200);
    assert.equal((await dashboard.stop('SIGTERM')).code, 0);
  });
});
