/**
 * bench:readers: do readers slow the coordinator's writes? Issue 17 asks that `best`, `show`,
 * `export`, `report` and `dashboard` work against the store while a sweep runs and never slow its
 * writes. A writer in this process writes as a coordinator does for each trial (the trial, 10
 * epoch reports, its end: 12 transactions), first alone, then while reader processes query a
 * large study over and over (its summary, the best 10, a page of the trials table, and every
 * epoch as `export` reads them, a snapshot of a second or more), then alone again. On SQLite (WAL)
 * and on PostgreSQL (a server started here). Printed: the write latency (median, p99, max) and
 * writes per second in each phase, and how long the readers' snapshots lasted: a writer blocked
 * by a reader would wait that long. On a 2-core machine the readers and the server compete with
 * the writer for the CPU, which a reader on another machine would not: the figures are an upper
 * bound of the slowdown, not a lock wait. No peer: Optuna's RDB storage has no coordinator.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { copyStudies } from '../src/store/copy/copy-studies.js';
import { openStore, type LocatedStore } from '../src/store/open-store.js';
import { PostgresServer } from '../test/helpers/postgres-server.js';
import { printTable } from './bench-table.js';
import { buildLargeStore } from './large-store.js';
import { describeLoad, loadAverage, describeMachine } from './machine-load.js';
import { positiveSeconds } from './option-parsers.js';
import { median, quantile } from './quantiles.js';
import { printResultLine } from './result-line.js';

interface Options {
  readerCpu?: number;
  trials: number;
  epochs: number;
  readers: number;
  seconds: number;
}

const options = new Command()
  .name('readers')
  .description("The coordinator's write latency alone and while readers query the store, on SQLite and PostgreSQL")
  .addOption(new Option('--trials <n>', 'COMPLETE trials in the study the readers read').default(5_000).argParser(positiveInteger))
  .addOption(new Option('--epochs <n>', 'epochs of each of those trials').default(20).argParser(positiveInteger))
  .addOption(new Option('--readers <n>', 'reader processes').default(2).argParser(positiveInteger))
  .addOption(new Option('--seconds <s>', 'length of each phase').default(10).argParser(positiveSeconds))
  .addOption(
    new Option(
      '--reader-cpu <n>',
      'pin the readers to this CPU (taskset), the writer being started on another (taskset -c 0 node ...): the readers then take no CPU from the writer, as on another machine',
    ).argParser((text) => Number.parseInt(text, 10)),
  )
  .parse()
  .opts<Options>();

const STUDY = 'bench-readers';
const READER = fileURLToPath(new URL('./reader-loop.js', import.meta.url));

interface Phase {
  readonly latencies: number[];
  readonly seconds: number;
}

/** Writes trials as a coordinator does, for `seconds`; every transaction's latency in ms. */
async function write(store: LocatedStore, studyId: number, seconds: number): Promise<Phase> {
  const latencies: number[] = [];
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const value = await fn();
    latencies.push(performance.now() - start);
    return value;
  };
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const trial = await timed(() => store.createTrial(studyId, { learning_rate: 0.01, depth: 2 }, { worker: 'bench:1' }));
    for (let epoch = 1; epoch <= 10; epoch++)
      await timed(() => store.recordEpoch(trial.id, 1, 0, epoch, { valAccuracy: epoch / 11, trainLoss: 1 / epoch }));
    await timed(() =>
      store.finishTrial(trial.id, 1, {
        state: 'COMPLETE',
        result: { value: 10 / 11, repeats: 1, epochs: 10, bestEpoch: 10, trainSeconds: 1 },
      }),
    );
  }
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

/** Reader processes, started and querying before this returns; `stop` gives each snapshot's ms. */
async function startReaders(location: string): Promise<{ stop: () => Promise<number[]> }> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < options.readers; i++) {
    const child = fork(READER, [location, STUDY], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (options.readerCpu !== undefined)
      execFileSync('taskset', ['-p', '-c', String(options.readerCpu), String(child.pid)], { stdio: 'ignore' });
    children.push(child);
  }
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  return {
    stop: async () => {
      const rounds = children.map(
        (child) => new Promise<number[]>((resolve) => child.once('message', (message: { rounds: number[] }) => resolve(message.rounds))),
      );
      for (const child of children) child.send('stop');
      return (await Promise.all(rounds)).flat();
    },
  };
}

interface Row {
  store: string;
  phase: string;
  phaseResult: Phase;
}

async function measure(kind: string, location: string): Promise<{ rows: Row[]; snapshots: number[] }> {
  const store = await openStore(location, 'write');
  try {
    const { id } = await store.getStudy(STUDY);
    const rows: Row[] = [];
    console.error(`${kind}: writing alone ...`);
    rows.push({ store: kind, phase: 'alone', phaseResult: await write(store, id, options.seconds) });
    const readers = await startReaders(location);
    const withReaders = `${options.readers} reader${options.readers === 1 ? '' : 's'}`;
    console.error(`${kind}: writing with ${withReaders} ...`);
    rows.push({ store: kind, phase: withReaders, phaseResult: await write(store, id, options.seconds) });
    const snapshots = await readers.stop();
    console.error(`${kind}: writing alone again ...`);
    rows.push({ store: kind, phase: 'alone again', phaseResult: await write(store, id, options.seconds) });
    return { rows, snapshots };
  } finally {
    await store.close();
  }
}

/** Math.max of a list too long to spread into arguments. */
function largest(values: readonly number[]): number {
  return values.reduce((max, value) => Math.max(max, value), -Infinity);
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-readers-'));
  let server: PostgresServer | undefined;
  try {
    console.log(describeMachine());
    const file = join(directory, 'readers.db');
    console.error(`building a study of ${options.trials} trials x ${options.epochs} epochs ...`);
    await buildLargeStore(file, STUDY, options.trials, options.epochs);
    server = await PostgresServer.start();
    const url = server.database('readers');
    const from = await openStore(file, 'write');
    const to = await openStore(url, 'write', { checkpoints: join(directory, 'checkpoints') });
    await copyStudies(from, to, { id: 'bench', host: 'bench', pid: process.pid });
    await Promise.all([from.close(), to.close()]);

    const results = [await measure('SQLite', file), await measure('PostgreSQL', url)];
    printTable(
      ['store', 'phase', 'writes', 'writes/s', 'median ms', 'p99 ms', 'max ms'],
      results.flatMap(({ rows }) =>
        rows.map(({ store, phase, phaseResult: { latencies, seconds } }) => [
          store,
          phase,
          latencies.length,
          latencies.length / seconds,
          median(latencies),
          quantile(latencies, 0.99),
          largest(latencies),
        ]),
      ),
    );
    for (const [index, kind] of ['SQLite', 'PostgreSQL'].entries()) {
      const snapshots = results[index]?.snapshots ?? [];
      console.log(
        `${kind}: ${snapshots.length} reader rounds, each a snapshot of ${median(snapshots).toFixed(0)} ms (median), ${largest(snapshots).toFixed(0)} ms at most`,
      );
    }
    console.log(`machine after: ${describeLoad()}`);
    const ratio = (index: number, metric: (phase: Phase) => number): number => {
      const rows = results[index]?.rows ?? [];
      const alone = ((rows[0] ? metric(rows[0].phaseResult) : NaN) + (rows[2] ? metric(rows[2].phaseResult) : NaN)) / 2;
      return (rows[1] ? metric(rows[1].phaseResult) : NaN) / alone;
    };
    const rate = (phase: Phase): number => phase.latencies.length / phase.seconds;
    const p99 = (phase: Phase): number => quantile(phase.latencies, 0.99);
    printResultLine({
      trials: options.trials,
      epochs: options.epochs,
      readers: options.readers,
      sqlite_rate_ratio: ratio(0, rate),
      sqlite_p99_ratio: ratio(0, p99),
      postgres_rate_ratio: ratio(1, rate),
      postgres_p99_ratio: ratio(1, p99),
      load: loadAverage(),
    });
  } finally {
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
