/**
 * bench:query: milliseconds per CLI query on a study of 100,000 trials (best --top, --where,
 * --group-by, show, export, export --epochs, the trials listing), ours against Optuna's SQLite
 * storage where Optuna has an equivalent. See bench/README.md for the method.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { bestOutput } from '../cli/commands/best-command.js';
import { exportStudy } from '../cli/output/export-study.js';
import { showOutput } from '../cli/commands/show-command.js';
import { positiveInteger } from '../cli/option-parsers.js';
import { studyJson, trialJson } from '../src/views/trial-json.js';
import { studyPageView } from '../dashboard/dashboard-views.js';
import { studyChartsView } from '../dashboard/study-charts-view.js';
import { Rng } from '../src/random/rng.js';
import type { ParamValue, SearchSpaceDefinition } from '../src/space/param-spec.js';
import { SqliteTrialStore } from '../src/store/sqlite/sqlite-trial-store.js';
import type { StudyDefinition } from '../src/store/study-definition.js';
import { printTable } from './bench-table.js';
import { writeStudy, type BulkTrial } from './large-store.js';
import { describeLoad } from './machine-load.js';
import { findOptuna, findPythonPackage, runPython } from './optuna-peer.js';
import { seed } from './option-parsers.js';
import { printResultLine } from './result-line.js';

interface Options {
  trials: number;
  runs: number;
  seed: number;
  optuna: boolean;
  cli: boolean;
}

const options = new Command()
  .name('query')
  .description('Milliseconds per CLI query on a large study, ours vs Optuna')
  .addOption(new Option('--trials <n>', 'trials in the study').default(100_000).argParser(positiveInteger))
  .addOption(new Option('--runs <n>', 'timed runs of each query (the median is shown)').default(5).argParser(positiveInteger))
  .addOption(new Option('--seed <n>', 'seed of the made-up study').default(1).argParser(seed))
  .option('--no-optuna', 'time ours only')
  .option('--no-cli', 'skip the timing of whole `sweeper` processes')
  .parse()
  .opts<Options>();

const STUDY = 'bench-query';
const EPOCHS = 5;
const CLASSES = 10;

/** 6 parameters, one of them conditional, as the quick start's space. */
const SPACE: SearchSpaceDefinition = {
  optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
  learning_rate: { type: 'float', low: 1e-4, high: 0.3, log: true },
  momentum: { type: 'float', low: 0, high: 0.95, log: false, when: { optimizer: ['sgd'] } },
  depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
  width: { type: 'int', low: 16, high: 512, log: true, step: 1 },
  batch_norm: { type: 'categorical', choices: [true, false] },
};

interface MadeTrial {
  state: 'COMPLETE' | 'PRUNED' | 'FAILED' | 'QUEUED';
  params: Record<string, ParamValue>;
  /** Per repeat: per epoch val_accuracy (empty when the trial has no recorded epochs). */
  curves: number[][];
  repeats: number;
  value: number | null;
}

/**
 * The study: 90 % COMPLETE, 5 % PRUNED, 3 % FAILED, 2 % QUEUED; every 5th trial has its 5 epochs
 * recorded (and a test evaluation with a 10-class confusion matrix per repeat), every 10th has
 * 3 repeats. Values are a made-up function of the parameters plus noise.
 */
function makeTrials(count: number): MadeTrial[] {
  const rng = new Rng(options.seed);
  const uniform = (): number => rng.float();
  const logUniform = (low: number, high: number): number => Math.exp(Math.log(low) + uniform() * (Math.log(high) - Math.log(low)));
  const trials: MadeTrial[] = [];
  for (let i = 0; i < count; i++) {
    const optimizer = (['sgd', 'adam', 'rmsprop'] as const)[i % 3] as string;
    const params: Record<string, ParamValue> = {
      optimizer,
      learning_rate: logUniform(1e-4, 0.3),
      ...(optimizer === 'sgd' && { momentum: uniform() * 0.95 }),
      depth: 1 + Math.floor(uniform() * 4),
      width: Math.round(logUniform(16, 512)),
      batch_norm: uniform() < 0.5,
    };
    const slot = i % 100;
    const state = slot < 90 ? 'COMPLETE' : slot < 95 ? 'PRUNED' : slot < 98 ? 'FAILED' : 'QUEUED';
    const quality = 0.97 - 0.05 * Math.abs(Math.log10(params.learning_rate as number) + 2.3) - (optimizer === 'sgd' ? 0.02 : 0);
    const repeats = i % 10 === 0 ? 3 : 1;
    const finished = state === 'COMPLETE' || state === 'PRUNED';
    const values = Array.from({ length: repeats }, () => Math.min(0.999, quality + 0.01 * (uniform() - 0.5)));
    const curves = finished && i % 5 === 0 ? values.map((v) => Array.from({ length: EPOCHS }, (_, e) => v - 0.05 * (EPOCHS - 1 - e))) : [];
    trials.push({ state, params, curves, repeats, value: finished ? values.reduce((a, b) => a + b, 0) / repeats : null });
  }
  return trials;
}

/**
 * Our side of the setup: the study through the store (so the schema and definition are the
 * product's), then every trial in bulk (writeStudy). Returns the seconds the INSERTs took.
 */
async function buildOurs(path: string, trials: readonly MadeTrial[]): Promise<number> {
  const definition: StudyDefinition = {
    name: STUDY,
    space: SPACE,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    sampler: { type: 'random', seed: 1 },
    budget: { trials: trials.length },
    repeats: 1,
    seed: 1,
  };
  return writeStudy(
    path,
    definition,
    trials.map((trial, number): BulkTrial => {
      const tested = trial.curves.length > 0;
      const learningRate = trial.params.learning_rate as number;
      const value = trial.value ?? Number.NaN;
      const finished = trial.state === 'COMPLETE' || trial.state === 'PRUNED';
      return {
        state: trial.state,
        params: trial.params,
        curves: trial.curves.map((curve) =>
          curve.map((valAccuracy, e) => ({
            trainLoss: 1 / (e + 1),
            trainAccuracy: valAccuracy - 0.01,
            valLoss: 0.5 / (e + 1),
            valAccuracy,
            learningRate,
          })),
        ),
        repeats: finished
          ? Array.from({ length: trial.repeats }, (_, repeat) => ({
              value,
              ...(tested && {
                test: JSON.stringify({ epoch: EPOCHS, loss: 0.3, accuracy: 0.9, confusion: confusionMatrix(number + repeat) }),
              }),
            }))
          : [],
        ...(finished && { result: { value, ...(trial.repeats > 1 && { std: 0.004 }), ...(tested && { testAccuracy: 0.9 }) } }),
        epochs: EPOCHS,
        ...(trial.state === 'PRUNED' && { reason: 'pruned at epoch 3 by the median rule' }),
        ...(trial.state === 'FAILED' && { reason: 'diverged at epoch 1: training loss is NaN' }),
      };
    }),
  );
}

/** A 10-class confusion matrix of 1,000 test examples, 90 % on the diagonal. */
function confusionMatrix(salt: number): number[][] {
  return Array.from({ length: CLASSES }, (_, actual) =>
    Array.from({ length: CLASSES }, (_, predicted) =>
      actual === predicted ? 90 : predicted === (actual + 1 + (salt % 9)) % CLASSES ? 10 : 0,
    ),
  );
}

/** Counts bytes and drops them, as a fast terminal or /dev/null would take the output. */
class NullSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

interface Query {
  readonly name: string;
  /** The command a user types (after `sweeper`), also run as a process; absent for the dashboard's API. */
  readonly args?: readonly string[];
  /** In-process: open the store, query, render the output, close. Returns the output's size. */
  readonly ours: (path: string) => Promise<number>;
  /** Optuna's equivalent (the key of bench/python/query.py's answer) and what it does. */
  readonly optuna?: { key: string; what: string };
}

function queries(showNumber: number): Query[] {
  const withStore = async (path: string, fn: (store: SqliteTrialStore) => Promise<number>): Promise<number> => {
    const store = SqliteTrialStore.open(path);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const exported = (epochs: boolean) => (path: string) =>
    withStore(path, async (store) => {
      const sink = new NullSink();
      await exportStudy(store, STUDY, { format: 'csv', epochs }, sink);
      return sink.bytes;
    });
  return [
    {
      name: 'best --top 10',
      args: ['best', STUDY, '--top', '10'],
      ours: (p) => withStore(p, async (s) => (await bestOutput(s, STUDY, { top: 10 })).length),
      optuna: { key: 'best', what: 'load_study + best_trial (top 1)' },
    },
    {
      name: 'best --where optimizer=adam --where depth=2',
      args: ['best', STUDY, '--top', '10', '--where', 'optimizer=adam', '--where', 'depth=2'],
      ours: (p) => withStore(p, async (s) => (await bestOutput(s, STUDY, { top: 10, where: ['optimizer=adam', 'depth=2'] })).length),
    },
    {
      name: 'best --where optimizer=adam',
      args: ['best', STUDY, '--top', '10', '--where', 'optimizer=adam'],
      ours: (p) => withStore(p, async (s) => (await bestOutput(s, STUDY, { top: 10, where: ['optimizer=adam'] })).length),
      optuna: { key: 'where', what: 'load_study + trials_dataframe, COMPLETE & adam, nlargest(10)' },
    },
    {
      name: 'best --where "learning_rate<0.001" (a bound)',
      args: ['best', STUDY, '--top', '10', '--where', 'learning_rate<0.001'],
      ours: (p) => withStore(p, async (s) => (await bestOutput(s, STUDY, { top: 10, where: ['learning_rate<0.001'] })).length),
    },
    {
      name: 'best --group-by optimizer --top 10',
      args: ['best', STUDY, '--top', '10', '--group-by', 'optimizer'],
      ours: (p) => withStore(p, async (s) => (await bestOutput(s, STUDY, { top: 10, groupBy: 'optimizer' })).length),
      optuna: { key: 'group-by', what: 'load_study + trials_dataframe, sort, groupby().head(10)' },
    },
    {
      name: `show (trial ${showNumber}: 3 repeats x 5 epochs, test)`,
      args: ['show', STUDY, String(showNumber)],
      ours: (p) => withStore(p, async (s) => (await showOutput(s, STUDY, showNumber, {})).length),
      optuna: { key: 'show', what: 'load_study + storage.get_trial' },
    },
    {
      name: 'export --format csv',
      args: ['export', STUDY, '--format', 'csv'],
      ours: exported(false),
      optuna: { key: 'export', what: 'load_study + trials_dataframe().to_csv' },
    },
    {
      name: 'export --epochs',
      args: ['export', STUDY, '--epochs'],
      ours: exported(true),
      optuna: { key: 'export-epochs', what: 'get_trials, intermediate values (1 metric) to_csv' },
    },
    {
      name: 'trials --json',
      args: ['trials', STUDY, '--json'],
      ours: (p) =>
        withStore(p, async (s) => {
          const study = await s.getStudy(STUDY);
          const trials = await s.listTrials(study.id);
          return JSON.stringify({ study: studyJson(await s.summariseStudy(study.id)), trials: trials.map(trialJson) }, null, 2).length;
        }),
      optuna: { key: 'trials', what: 'load_study + trials_dataframe' },
    },
    // The dashboard's study page polls this every second while it is open (one page of the table).
    ...[
      ['dashboard: study page, best 100', 'sort=value&order=desc'],
      ['dashboard: study page 501, by a parameter', 'sort=param:learning_rate&offset=50000'],
      ['dashboard: study page, text filter "adam"', 'q=adam'],
    ].map(([name, query]) => ({
      name: name as string,
      ours: (p: string) => withStore(p, async (s) => JSON.stringify(await studyPageView(s, STUDY, new URLSearchParams(query))).length),
    })),
    {
      // Computed at most once per 20 x its cost by the dashboard server (ThrottledViews).
      name: 'dashboard: study charts (every trial)',
      ours: (p) => withStore(p, async (s) => JSON.stringify(await studyChartsView(s, STUDY)).length),
    },
  ];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** The compiled CLI beside this compiled file (dist/cli/main.js after `npm run build`). */
const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Wall time of a whole `sweeper ARGS --db PATH` process, output to /dev/null. */
function timeProcess(args: readonly string[], path?: string): number {
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    const result = spawnSync(process.execPath, [CLI_MAIN, ...args, ...(path === undefined ? [] : ['--db', path])], {
      stdio: ['ignore', devNull, 'pipe'],
    });
    const elapsed = performance.now() - start;
    if (result.status !== 0) throw new Error(`sweeper ${args.join(' ')} exited with ${result.status}: ${result.stderr.toString()}`);
    return elapsed;
  } finally {
    closeSync(devNull);
  }
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-query-'));
  try {
    const trials = makeTrials(options.trials);
    const epochRows = trials.reduce((sum, t) => sum + t.curves.length * EPOCHS, 0);
    const showNumber = trials.findIndex((t) => t.repeats === 3 && t.curves.length > 0 && t.state === 'COMPLETE');
    console.log(
      `query: a study of ${options.trials} trials (${Object.keys(SPACE).length} parameters, one conditional), ${epochRows} epoch rows, ` +
        `${trials.filter((t) => t.repeats > 1).length} trials with 3 repeats; median of ${options.runs} runs; ${describeLoad()}`,
    );
    const ours = join(directory, 'ours.db');
    console.error('building ours ...');
    const oursBuild = await buildOurs(ours, trials);
    console.log(`ours built in ${oursBuild.toFixed(1)} s (one transaction of INSERTs), ${(statSync(ours).size / 2 ** 20).toFixed(0)} MiB`);

    const list = queries(showNumber);
    const oursMs = new Map<string, number>();
    const cliMs = new Map<string, number>();
    for (const query of list) {
      console.error(`timing ours: ${query.name} ...`);
      await query.ours(ours); // untimed: V8 warm-up and the page cache
      const times: number[] = [];
      for (let run = 0; run < options.runs; run++) {
        const start = performance.now();
        await query.ours(ours);
        times.push(performance.now() - start);
      }
      oursMs.set(query.name, median(times));
      const args = query.args;
      if (options.cli && args)
        cliMs.set(query.name, median(Array.from({ length: Math.min(3, options.runs) }, () => timeProcess(args, ours))));
    }

    const optunaMs = new Map<string, number>();
    const peer = options.optuna ? findOptuna() : undefined;
    const pandas = peer?.available
      ? findPythonPackage({
          module: 'pandas',
          debian: 'python3-pandas',
          missing: 'pandas not available: install python3-pandas',
          columns: 'Optuna',
        })
      : undefined;
    if (peer && !peer.available) console.log(peer.reason);
    if (pandas && !pandas.available) console.log(pandas.reason);
    if (peer?.available && pandas?.available) {
      const path = join(directory, 'optuna.db');
      console.error(`building Optuna's storage (${options.trials} trials through add_trials) ...`);
      const [built] = (await runPython(peer, 'query.py', {
        phase: 'build',
        path,
        space: SPACE,
        trials: trials.map((t) => ({ state: t.state, value: t.value, params: t.params, intermediate: t.curves[0] ?? [] })),
      })) as [{ seconds: number }];
      console.log(
        `optuna ${peer.version} built in ${built.seconds.toFixed(1)} s (study.add_trials of create_trial), ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`,
      );
      console.error('timing optuna ...');
      // At most 3 runs a query on Optuna's side: each of its dataframe queries takes seconds on 100,000 trials.
      const answers = (await runPython(peer, 'query.py', {
        phase: 'time',
        path,
        runs: Math.min(3, options.runs),
        show_number: showNumber,
        csv_path: join(directory, 'optuna.csv'),
      })) as { query: string; ms: number[] }[];
      for (const answer of answers) optunaMs.set(answer.query, median(answer.ms));
    }

    if (options.cli)
      console.log(
        `a sweeper process that does nothing (sweeper --version) takes ${median([0, 1, 2].map(() => timeProcess(['--version']))).toFixed(0)} ms: module loading, part of every process time below`,
      );
    const head = [
      'query',
      'ours ms',
      ...(options.cli ? ['sweeper process ms'] : []),
      ...(optunaMs.size > 0 ? ['optuna ms', 'ratio (optuna/ours)', 'optuna equivalent'] : []),
    ];
    printTable(
      head,
      list.map((query) => {
        const mine = oursMs.get(query.name) ?? Number.NaN;
        const theirs = query.optuna ? optunaMs.get(query.optuna.key) : undefined;
        return [
          query.name,
          mine,
          ...(options.cli ? [cliMs.get(query.name) ?? '-'] : []),
          ...(optunaMs.size > 0 ? (theirs === undefined ? ['-', '-', '-'] : [theirs, theirs / mine, query.optuna?.what ?? '']) : []),
        ];
      }),
    );

    const key = (name: string): string =>
      name
        .split(' (')[0]
        ?.replace(/^--?|[^a-z0-9]+/gi, '_')
        .replace(/^_+|_+$/g, '')
        .toLowerCase() ?? name;
    const result: Record<string, number | string> = { trials: options.trials };
    for (const query of list) {
      const mine = oursMs.get(query.name) ?? Number.NaN;
      result[`${key(query.name)}_ms`] = mine;
      const theirs = query.optuna ? optunaMs.get(query.optuna.key) : undefined;
      if (theirs !== undefined) result[`${key(query.name)}_ratio`] = theirs / mine;
    }
    if (optunaMs.size === 0) result.optuna = 'skipped';
    printResultLine(result);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
