/**
 * bench:store-check: what the writers' check of a store costs on a large one. `run`, `resume` and
 * `coordinator` open the store with SQLite's quick_check, which reads every page; the queries open
 * it without. Timed: quick_check alone, integrity_check for comparison, the writer's open, the
 * reader's open, and the reader's open of a store it may not write (the file read into memory).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { readIntoMemory } from '../src/store/sqlite/open-database-for-reading.js';
import { SqliteTrialStore } from '../src/store/sqlite/sqlite-trial-store.js';
import type { StudyDefinition } from '../src/store/study-definition.js';
import { printTable } from './bench-table.js';
import { describeLoad, loadAverage } from './machine-load.js';
import { printResultLine } from './result-line.js';

interface Options {
  trials: number;
  epochs: number;
  runs: number;
}

const options = new Command()
  .name('store-check')
  .description("Milliseconds to open a large store: the writers' quick_check against the readers' open")
  .addOption(new Option('--trials <n>', 'trials in the study').default(20_000).argParser(positiveInteger))
  .addOption(new Option('--epochs <n>', 'epochs of each trial').default(20).argParser(positiveInteger))
  .addOption(new Option('--runs <n>', 'timed runs of each step (the median is shown)').default(5).argParser(positiveInteger))
  .parse()
  .opts<Options>();

const definition: StudyDefinition = {
  name: 'bench-store-check',
  space: {
    learning_rate: { type: 'float', low: 1e-4, high: 0.3, log: true },
    depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
  },
  objective: { metric: 'val_accuracy', direction: 'maximize' },
  sampler: { type: 'random', seed: 1 },
  budget: { trials: options.trials },
  repeats: 1,
  seed: 1,
};

/** The study through the store (its schema and triggers), then its trials in one transaction of INSERTs. */
async function build(path: string): Promise<void> {
  const store = SqliteTrialStore.open(path);
  const { id: studyId } = await store.createStudy(definition);
  await store.close();
  const db = new Database(path);
  const time = new Date().toISOString();
  const insertTrial = db.prepare(
    `INSERT INTO trials (study_id, number, state, attempt, worker, queued_at, started_at) VALUES (?, ?, 'RUNNING', 1, 'bench:1', ?, ?)`,
  );
  const insertParam = db.prepare('INSERT INTO trial_params (trial_id, name, value) VALUES (?, ?, ?)');
  const insertEpoch = db.prepare(
    'INSERT INTO trial_epochs (trial_id, repeat, epoch, train_loss, train_accuracy, val_loss, val_accuracy, learning_rate, epoch_seconds) VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertRepeat = db.prepare(
    'INSERT INTO trial_repeats (trial_id, repeat, seed, value, epochs, best_epoch, train_seconds, finished_at) VALUES (?, 0, 1, ?, ?, ?, 4, ?)',
  );
  const insertResult = db.prepare(
    'INSERT INTO trial_results (trial_id, study_id, value, repeats, epochs, best_epoch, train_seconds) VALUES (?, ?, ?, 1, ?, ?, 4)',
  );
  const finish = db.prepare(`UPDATE trials SET state = 'COMPLETE', finished_at = ? WHERE id = ?`);
  db.transaction(() => {
    for (let number = 0; number < options.trials; number++) {
      const learningRate = 1e-4 * 3000 ** ((number * 0.618) % 1);
      const id = Number(insertTrial.run(studyId, number, time, time).lastInsertRowid);
      insertParam.run(id, 'learning_rate', JSON.stringify(learningRate));
      insertParam.run(id, 'depth', JSON.stringify((number % 4) + 1));
      for (let epoch = 1; epoch <= options.epochs; epoch++)
        insertEpoch.run(id, epoch, 1 / epoch, 0.9 - 0.5 / epoch, 1.2 / epoch, 0.88 - 0.5 / epoch, learningRate, 0.8);
      const value = 0.88 - 0.5 / options.epochs;
      insertRepeat.run(id, value, options.epochs, options.epochs, time);
      insertResult.run(id, studyId, value, options.epochs, options.epochs);
      finish.run(time, id);
    }
  })();
  db.close();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The median milliseconds of `runs` runs of `fn`, after one untimed run. */
async function time(fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-store-check-'));
  try {
    const path = join(directory, 'large.db');
    console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, Node.js ${process.version}, ${describeLoad()}`);
    console.error(`building a store of ${options.trials} trials x ${options.epochs} epochs ...`);
    await build(path);
    const megabytes = statSync(path).size / 2 ** 20;
    console.log(
      `store: ${options.trials} trials x ${options.epochs} epochs, ${megabytes.toFixed(1)} MiB; median of ${options.runs} runs, the file in the page cache`,
    );

    const pragma = (name: string) => () => {
      const db = new Database(path, { readonly: true });
      try {
        return db.pragma(name, { simple: true });
      } finally {
        db.close();
      }
    };
    const opened = (open: () => SqliteTrialStore) => async () => {
      const store = open();
      try {
        return await store.listStudies();
      } finally {
        await store.close();
      }
    };
    // What openForReading does for a store this user may not write and that has no -wal file.
    const inMemory = () => {
      const db = readIntoMemory(path);
      try {
        return db.prepare('SELECT COUNT(*) FROM studies').get();
      } finally {
        db.close();
      }
    };
    const steps: [string, () => unknown][] = [
      ['PRAGMA quick_check(1)', pragma('quick_check(1)')],
      ['PRAGMA integrity_check (for comparison)', pragma('integrity_check')],
      ['writer open (run, resume, coordinator) + list studies', opened(() => SqliteTrialStore.open(path))],
      ['reader open (best, studies, ...) + list studies', opened(() => SqliteTrialStore.openForReading(path))],
      ['reader open of a store it may not write (read into memory)', inMemory],
    ];
    const ms: number[] = [];
    for (const [name, fn] of steps) {
      console.error(`timing ${name} ...`);
      ms.push(await time(fn));
    }
    printTable(
      ['step', 'ms (median)'],
      steps.map(([name], index) => [name, ms[index] as number]),
    );
    console.log(`machine after: ${describeLoad()}`);
    printResultLine({
      trials: options.trials,
      epochs: options.epochs,
      size_mib: megabytes,
      quick_check_ms: ms[0] as number,
      integrity_check_ms: ms[1] as number,
      writer_open_ms: ms[2] as number,
      reader_open_ms: ms[3] as number,
      memory_open_ms: ms[4] as number,
      load: loadAverage(),
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
