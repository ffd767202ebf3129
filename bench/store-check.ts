/**
 * bench:store-check: what the writers' check of a store costs on a large one. `run`, `resume` and
 * `coordinator` open the store with SQLite's quick_check, which reads every page; the queries open
 * it without. Timed: quick_check alone, integrity_check for comparison, the writer's open, the
 * reader's open, and the reader's open of a store it may not write (the file read into memory).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { readIntoMemory } from '../src/store/sqlite/open-database-for-reading.js';
import { SqliteTrialStore } from '../src/store/sqlite/sqlite-trial-store.js';
import { printTable } from './bench-table.js';
import { buildLargeStore } from './large-store.js';
import { describeLoad, loadAverage, describeMachine } from './machine-load.js';
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
    console.log(describeMachine());
    console.error(`building a store of ${options.trials} trials x ${options.epochs} epochs ...`);
    await buildLargeStore(path, 'bench-store-check', options.trials, options.epochs);
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
