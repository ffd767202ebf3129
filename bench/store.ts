/**
 * bench:store: milliseconds per trial for ask + tell through the SQLite store, ours vs Optuna's
 * SQLite storage, on the 10-parameter mixed space with the random sampler on both sides (it
 * costs microseconds and reads no history), so what is measured is the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { SearchSpace } from '../src/space/search-space.js';
import { SqliteTrialStore } from '../src/store/sqlite/sqlite-trial-store.js';
import { Study } from '../src/study/study.js';
import { printTable } from './bench-table.js';
import { MIXED_SPACE } from './mixed-space.js';
import { findOptuna, runPython, type OptunaPeer } from './optuna-peer.js';
import { positiveInteger } from '../cli/option-parsers.js';
import { seed } from './option-parsers.js';
import { printResultLine } from './result-line.js';

/** Trials at each end of the run, shown apart: a store that slows down as it fills shows here. */
const EDGE = 100;

interface Options {
  trials: number;
  seed: number;
  optuna: boolean;
  wal: boolean;
}

const options = new Command()
  .name('store')
  .description('Milliseconds per trial for ask + tell through the SQLite store, ours vs Optuna')
  .addOption(new Option('--trials <n>', 'trials on each side').default(1000).argParser(positiveInteger))
  .addOption(new Option('--seed <n>', 'seed of both random samplers').default(1).argParser(seed))
  .option('--no-optuna', 'time ours only')
  .option('--no-wal', 'skip the Optuna run with our SQLite settings (WAL, synchronous=NORMAL)')
  .parse()
  .opts<Options>();

/** The value told for trial `number`: irrelevant to a random sampler, and the same on both sides. */
const toldValue = (number: number): number => (number % 97) / 97;

async function timeOurs(directory: string): Promise<number[]> {
  const store = SqliteTrialStore.open(join(directory, 'ours.db'));
  try {
    const study = await Study.create(store, {
      name: 'bench-store',
      space: MIXED_SPACE,
      direction: 'minimize',
      sampler: { type: 'random', seed: options.seed },
      seed: options.seed,
    });
    const times: number[] = [];
    for (let number = 0; number < options.trials; number++) {
      const start = performance.now();
      const trial = await study.ask();
      await study.tell(trial, toldValue(trial.number));
      times.push(performance.now() - start);
    }
    return times;
  } finally {
    await store.close();
  }
}

async function timeOptuna(peer: OptunaPeer & { available: true }, directory: string, wal: boolean): Promise<number[]> {
  const [answer] = (await runPython(peer, 'store.py', {
    definition: MIXED_SPACE,
    order: SearchSpace.fromDefinition(MIXED_SPACE).order,
    trials: options.trials,
    seed: options.seed,
    path: join(directory, wal ? 'optuna-wal.db' : 'optuna.db'),
    wal,
  })) as [{ times_ms: number[] }];
  return answer.times_ms;
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

async function main(): Promise<void> {
  const peer = options.optuna ? findOptuna() : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  console.log(
    `store: ${options.trials} trials of ask + tell on each side, random sampler (seed ${options.seed}), fresh SQLite files in ${tmpdir()}`,
  );

  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-store-'));
  try {
    // One side at a time, never overlapping, so neither steals the other's core or disk.
    console.error('timing ours ...');
    const columns: { name: string; short: string; times: number[] }[] = [{ name: 'ours', short: 'ours', times: await timeOurs(directory) }];
    if (peer?.available) {
      console.error('timing optuna ...');
      columns.push({ name: 'optuna', short: 'optuna', times: await timeOptuna(peer, directory, false) });
      if (options.wal) {
        console.error('timing optuna with WAL ...');
        columns.push({ name: 'optuna (WAL, sync NORMAL)', short: 'wal', times: await timeOptuna(peer, directory, true) });
      }
    }

    const ours = columns[0]?.times ?? [];
    const edge = Math.min(EDGE, options.trials);
    const ranges: { label: string; pick: (times: number[]) => number[] }[] = [
      { label: `all ${options.trials}`, pick: (times) => times },
      { label: `first ${edge}`, pick: (times) => times.slice(0, edge) },
      { label: `last ${edge}`, pick: (times) => times.slice(-edge) },
    ];
    const head = [
      'trials',
      'ours ms/trial',
      ...columns.slice(1).flatMap(({ name, short }) => [`${name} ms/trial`, `ratio (${short}/ours)`]),
    ];
    printTable(
      head,
      ranges.map(({ label, pick }) => [
        label,
        mean(pick(ours)),
        ...columns.slice(1).flatMap(({ times }) => [mean(pick(times)), mean(pick(times)) / mean(pick(ours))]),
      ]),
    );
    if (columns.length > 1)
      console.log(
        "ours: WAL, synchronous=NORMAL (our store's settings); optuna: SQLite's defaults as SQLAlchemy leaves them (rollback journal, synchronous=FULL)",
      );

    const result: Record<string, number | string> = { trials: options.trials, ours_ms_per_trial: mean(ours) };
    const optuna = columns[1]?.times;
    if (optuna) {
      result.optuna_ms_per_trial = mean(optuna);
      result.ratio = mean(optuna) / mean(ours);
    } else {
      result.optuna = 'skipped';
    }
    const wal = columns[2]?.times;
    if (wal) {
      result.optuna_wal_ms_per_trial = mean(wal);
      result.ratio_wal = mean(wal) / mean(ours);
    }
    printResultLine(result);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
