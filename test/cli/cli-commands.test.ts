import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli-process.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml, writeTinySweep } from '../helpers/tiny-sweep.js';

const dir = tempDir();
const db = join(dir, 'cli.db');
let run: CliResult;

interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  params: Record<string, unknown>;
  reason: string | null;
  epochs: number | null;
}

before(async () => {
  const file = writeTinySweep(dir, { budget: 'budget:\n  trials: 4' });
  run = await runCli(['run', file, '--db', db, '--threads', '2', '--json']);
});

describe('sweeper run', () => {
  test('runs the sweep and prints the result as JSON', () => {
    assert.equal(run.code, 0, run.stderr);
    const output = JSON.parse(run.stdout) as {
      study: { name: string; counts: Record<string, number> };
      interrupted: boolean;
      best: TrialJson[];
    };
    assert.equal(output.study.name, 'tiny');
    assert.equal(output.interrupted, false);
    assert.deepEqual(output.study.counts, { QUEUED: 0, RUNNING: 0, COMPLETE: 4, PRUNED: 0, FAILED: 0 });
    const values = output.best.map((t) => t.value ?? 0);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'best first',
    );
  });

  test('logs go to standard error as JSON lines when there is no terminal', () => {
    const lines = run.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    assert.ok(lines.some((l) => l.msg === 'trial finished'));
    assert.ok(lines.some((l) => l.msg === 'sweep ended'));
  });

  test('a second run of the same study is refused with a hint', async () => {
    const again = await runCli(['run', writeTinySweep(dir, {}, 'again.yaml'), '--db', db]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^error: study "tiny" already exists in .*cli\.db\nhint: continue it with `sweeper resume tiny`/);
    assert.equal(readTrials(db, 'tiny').length, 4, 'nothing was added');
  });

  test('a bad sweep file names the file, line and field, and writes nothing', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, tinySweepYaml({ space: 'space:\n  learning_rate: { type: float, low: 0, high: 0.1, log: true }' }));
    const fresh = join(dir, 'never-created.db');
    const result = await runCli(['run', file, '--db', fresh]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `error: ${file}:18:33: space.learning_rate.low: must be > 0 for a log-scale parameter, but got 0\n`);
    assert.equal(existsSync(fresh), false, 'no store file is created');
    const intoExisting = await runCli(['run', file, '--db', db, '--study', 'bad-one']);
    assert.equal(intoExisting.code, 2);
    const studies = JSON.parse((await runCli(['studies', '--db', db, '--json'])).stdout) as { studies: { name: string }[] };
    assert.ok(!studies.studies.some((s) => s.name === 'bad-one'), 'no study is added to an existing store');
  });

  test('bad options and unknown names are clear errors with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['run', join(dir, 'missing.yaml'), '--db', db], /cannot read the sweep file: no such file/],
      [
        ['run', join(dir, 'x.yaml'), '--threads', '0'],
        /option '--threads <n>' argument '0' is invalid\. expected a positive integer, but got "0"/,
      ],
      [['run', join(dir, 'x.yaml'), '--study', 'has space'], /--study must be a name of letters/],
      [['best', 'nope', '--db', db], /error: no study named "nope" in .*\nhint: list the studies with `sweeper studies`/],
      [['best', 'tiny', '--db', join(dir, 'absent.db')], /error: no trial store at .*absent\.db/],
      [
        ['trials', 'tiny', '--db', db, '--state', 'DONE'],
        /option '--state <states>' argument 'DONE' is invalid\. expected trial states among QUEUED, RUNNING, COMPLETE, PRUNED, FAILED \(in any case, several separated by commas\), but got "DONE"/,
      ],
      [['trials', 'tiny', '--db', db, '--state', 'complete,done'], /option '--state <states>' .* but got "done"/],
      [['trials', 'tiny', '--db', db, '--json', '--csv'], /cannot be used with option '--csv'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(existsSync(join(dir, 'absent.db')), false);
  });

  test('resume refuses a study created through the ask/tell API', async () => {
    const { SqliteTrialStore } = await import('../../src/store/sqlite/sqlite-trial-store.js');
    const { Study } = await import('../../src/study/study.js');
    const apiDb = join(dir, 'api.db');
    const store = SqliteTrialStore.open(apiDb);
    await Study.create(store, { name: 'by-hand', space: { x: { type: 'float', low: 0, high: 1 } }, direction: 'minimize' });
    await store.close();
    const result = await runCli(['resume', 'by-hand', '--db', apiDb]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^error: study "by-hand" has no training task: it was created through the ask\/tell API/);
  });

  test('--help lists every command', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['run', 'resume', 'best', 'trials', 'studies']) assert.match(help.stdout, new RegExp(`\\n  ${command} `));
  });
});

describe('sweeper best, trials and studies', () => {
  test('best --json: the top K, best first, with the documented fields', async () => {
    const result = await runCli(['best', 'tiny', '--db', db, '--top', '2', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { study: { name: string }; trials: Record<string, unknown>[] };
    assert.equal(output.trials.length, 2);
    assert.deepEqual(Object.keys(output.trials[0] ?? {}), [
      'number',
      'state',
      'value',
      'value_std',
      'repeats',
      'epochs',
      'best_epoch',
      'train_seconds',
      'test_accuracy',
      'params',
      'attempt',
      'worker',
      'queued_at',
      'started_at',
      'finished_at',
      'reason',
    ]);
    const stored = readTrials(db, 'tiny').sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || a.number - b.number);
    assert.deepEqual(
      output.trials.map((t) => t.number),
      stored.slice(0, 2).map((t) => t.number),
    );
    assert.deepEqual(
      output.trials.map((t) => t.value),
      stored.slice(0, 2).map((t) => t.value),
    );
  });

  test('best prints a table of the best configurations', async () => {
    const result = await runCli(['best', 'tiny', '--db', db]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^best 4 of study tiny by val_accuracy \(maximize\):/);
    assert.match(result.stdout, /rank.*trial.*state.*val_accuracy.*epochs.*best epoch.*train time.*optimizer.*learning_rate/);
  });

  test('trials --json, --csv and --state agree with the store', async () => {
    const json = JSON.parse((await runCli(['trials', 'tiny', '--db', db, '--json'])).stdout) as { trials: TrialJson[] };
    const stored = readTrials(db, 'tiny');
    assert.deepEqual(
      json.trials.map((t) => [t.number, t.state, t.value]),
      stored.map((t) => [t.number, t.state, t.value]),
    );

    const csv = (await runCli(['trials', 'tiny', '--db', db, '--csv'])).stdout.trim().split('\n');
    assert.equal(csv.length, 5);
    const header = csv[0]?.split(',') ?? [];
    assert.deepEqual(header.slice(0, 3), ['number', 'state', 'value']);
    assert.ok(header.includes('params_learning_rate') && header.includes('params_optimizer'));
    const row = csv[1]?.split(',') ?? [];
    assert.equal(Number(row[header.indexOf('params_learning_rate')]), json.trials[0]?.params.learning_rate);

    const onlyFailed = JSON.parse((await runCli(['trials', 'tiny', '--db', db, '--state', 'FAILED', '--json'])).stdout) as {
      trials: unknown[];
    };
    assert.deepEqual(onlyFailed.trials, []);
  });

  test('trials --state takes states as users type them, and leaves the study to its argument', async () => {
    const numbers = async (args: string[]): Promise<number[]> => {
      const result = await runCli(['trials', ...args, '--db', db, '--json']);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return (JSON.parse(result.stdout) as { trials: TrialJson[] }).trials.map((t) => t.number);
    };
    const all = readTrials(db, 'tiny').map((t) => t.number);
    assert.deepEqual(await numbers(['--state', 'COMPLETE', 'tiny']), all, 'the study after the option is the study');
    assert.deepEqual(await numbers(['tiny', '--state', 'complete']), all, 'in any case');
    assert.deepEqual(await numbers(['tiny', '--state', 'failed,Complete']), all, 'a list');
    assert.deepEqual(await numbers(['--state', 'pruned', '--state', 'complete', 'tiny']), all, 'repeated');
    assert.deepEqual(await numbers(['--state', 'failed', 'tiny']), []);
  });

  test('studies --json lists the study with its progress', async () => {
    const result = JSON.parse((await runCli(['studies', '--db', db, '--json'])).stdout) as {
      studies: { name: string; budget: number; counts: Record<string, number>; best_value: number }[];
    };
    assert.equal(result.studies.length, 1);
    assert.equal(result.studies[0]?.name, 'tiny');
    assert.equal(result.studies[0]?.budget, 4);
    assert.equal(result.studies[0]?.counts.COMPLETE, 4);
    assert.equal(result.studies[0]?.best_value, Math.max(...readTrials(db, 'tiny').map((t) => t.value ?? 0)));
  });

  test('a diverging configuration shows as FAILED with its reason', async () => {
    const file = writeTinySweep(
      dir,
      {
        study: 'study: diverging',
        model: 'model:\n  depth: 2\n  width: 64',
        training: 'training:\n  epochs: 1\n  optimizer: sgd',
        space: 'space:\n  learning_rate: { type: categorical, choices: [0.05, 100000] }',
        budget: 'budget:\n  trials: 4',
      },
      'diverging.yaml',
    );
    const result = await runCli(['run', file, '--db', db, '--threads', '2']);
    assert.equal(result.code, 0, result.stderr);
    const table = (await runCli(['trials', 'diverging', '--db', db])).stdout;
    assert.match(table, /FAILED/);
    assert.match(table, /trial \d+: diverged at epoch 1: training loss is NaN/);
    const states = readTrials(db, 'diverging').map((t) => t.state);
    assert.equal(states.length, 4);
    assert.ok(states.includes('COMPLETE') && states.includes('FAILED'));
  });
});

describe('on a terminal', () => {
  test('a live progress bar on the terminal; logs go to a file beside the store', async (t) => {
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
    } catch {
      t.skip('needs `script` (util-linux) to give the sweep a terminal');
      return;
    }
    const ttyDir = tempDir();
    const file = writeTinySweep(ttyDir, { study: 'study: tty', budget: 'budget:\n  trials: 3' });
    const { SWEEPER_BIN } = await import('../helpers/cli-process.js');
    const output = execFileSync('script', ['-qec', `${process.execPath} ${SWEEPER_BIN} run ${file} --threads 2`, '/dev/null'], {
      cwd: ttyDir,
      encoding: 'utf8',
    });
    assert.match(output, /logs: \.\/sweeper\.db\.log/);
    assert.match(output, /\d\/3 trials \| running \d \| best val_accuracy (-|\d\.\d{4}) \| \d+s elapsed, ETA /);
    assert.match(output, /3\/3 trials \| running 0 \| best val_accuracy \d\.\d{4}/);
    assert.match(output, /study tty: 3 complete/);
    const { readFileSync } = await import('node:fs');
    const logLines = readFileSync(join(ttyDir, 'sweeper.db.log'), 'utf8').trim().split('\n');
    assert.ok(logLines.map((line) => JSON.parse(line) as { msg: string }).some((l) => l.msg === 'sweep ended'));
  });
});
