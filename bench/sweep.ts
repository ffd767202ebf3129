/**
 * bench:sweep: a whole sweep as a user runs it, trials per hour by the wall clock. Ours is
 * `sweeper run FILE --threads 2` (a process, from its start to its exit: data, training, store
 * and all); the peer is the same sweep written with Optuna and PyTorch, `study.optimize(...,
 * n_jobs=2)` in a Python process timed the same way (python/sweep.py), on the very arrays our
 * split gives. By default the quick start and reference report 000's learning-rate grid.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { loadSweepFile } from '../src/config/load-sweep-file.js';
import { DatasetCache } from '../src/datasets/dataset-cache.js';
import type { DatasetSplit } from '../src/datasets/dataset-split.js';
import { gridValues } from '../src/samplers/grid-points.js';
import { SearchSpace } from '../src/space/search-space.js';
import type { StudyDefinition } from '../src/store/study-definition.js';
import { printTable, significant } from './bench-table.js';
import { CliChild } from './cli-child.js';
import { describeLoad, describeMachine, loadAverage } from './machine-load.js';
import { findOptuna, findPythonPackage, ONE_THREAD, runPython, type PythonPeer } from './optuna-peer.js';
import { median } from './quantiles.js';
import { printResultLine } from './result-line.js';
import { TORCH } from './seed-models.js';
import { describeTorchBlas, fastTorchBlas } from './torch-blas.js';
import { peerProblem } from './sweep-peer.js';
import { sweepFileToRun, type SweepOverrides } from './sweep-copy.js';

interface Options {
  sweeps: string[];
  threads: number;
  repeats: number;
  trials?: number;
  epochs?: number;
  peer: boolean;
  peerSearch: 'replay' | 'own';
}

const options = new Command()
  .name('sweep')
  .description('Trials per hour of whole sweeps: `sweeper run` against the same sweep in Optuna + PyTorch (n_jobs), wall clock')
  .addOption(
    new Option('--sweeps <files>', 'sweep files, comma-separated')
      .default(['sweeps/quickstart.yaml', 'sweeps/report-000-learning-rates.yaml'], 'quick start and report 000 learning-rate grid')
      .argParser((value: string) => value.split(',').map((part) => part.trim())),
  )
  .addOption(new Option('--threads <n>', 'our --threads and the peer n_jobs').default(2).argParser(positiveInteger))
  .addOption(new Option('--repeats <n>', 'runs of each side per sweep, alternating').default(1).argParser(positiveInteger))
  .addOption(new Option('--trials <n>', "replace each file's budget (shorter runs)").argParser(positiveInteger))
  .addOption(new Option('--epochs <n>', "replace each file's epochs (shorter runs)").argParser(positiveInteger))
  .option('--no-peer', 'run ours only')
  .addOption(
    new Option(
      '--peer-search <how>',
      "the peer's trials in a search: replay (the configurations our run trained) or own (Optuna's sampler)",
    )
      .choices(['replay', 'own'])
      .default('replay'),
  )
  .parse()
  .opts<Options>();

/** One side's run of one sweep. */
interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly finished: number;
  readonly best: number | null;
  readonly testAccuracy: number | null;
}

/** Ours, with the configurations it trained, in trial order (what the peer replays). */
interface OurRun extends Run {
  readonly configurations: Record<string, unknown>[];
}

const perHour = (run: Run): number => (run.finished / run.seconds) * 3600;

/** Ours: the CLI as the README runs it, from process start to exit. */
async function runOurs(file: string, db: string, study: string): Promise<OurRun> {
  const start = performance.now();
  const child = new CliChild('sweeper run', ['run', file, '--db', db, '--threads', String(options.threads), '--json']);
  // /proc holds the CPU time only while the process lives: sample it until the end.
  let cpuSeconds = 0;
  const poll = setInterval(() => (cpuSeconds = child.cpuSeconds() ?? cpuSeconds), 100);
  const code = await child.ended();
  clearInterval(poll);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw child.failure(`exited with code ${code}`);
  const answer = JSON.parse(child.output) as {
    study: { counts: Record<string, number> };
    best: { value: number | null; test_accuracy: number | null }[];
  };
  const { COMPLETE = 0, FAILED = 0, PRUNED = 0 } = answer.study.counts;
  // Not timed: which configurations the run trained, for the peer to train the same.
  const listing = new CliChild('sweeper trials', ['trials', study, '--db', db, '--json']);
  if ((await listing.ended()) !== 0) throw listing.failure('failed');
  const { trials } = JSON.parse(listing.output) as { trials: { params: Record<string, unknown> }[] };
  return {
    seconds,
    cpuSeconds,
    finished: COMPLETE + FAILED + PRUNED,
    best: answer.best[0]?.value ?? null,
    testAccuracy: answer.best[0]?.test_accuracy ?? null,
    configurations: trials.map((trial) => trial.params),
  };
}

interface PeerAnswer {
  optuna: string;
  torch: string;
  import_seconds: number;
  cpu_seconds: number;
  complete: number;
  failed: number;
  best_value: number | null;
  best_test_accuracy: number | null;
  configurations: Record<string, unknown>[];
}

/** The arrays of our split, as raw files the peer reads with numpy. */
function exportSplit(split: DatasetSplit, directory: string): Record<string, { images: string; labels: string; count: number }> {
  const parts = { train: split.train, validation: split.validation, test: split.test };
  return Object.fromEntries(
    Object.entries(parts).map(([part, data]) => {
      const files = { images: join(directory, `${part}.f32`), labels: join(directory, `${part}.u8`), count: data.count };
      writeFileSync(files.images, data.images);
      writeFileSync(files.labels, data.labels);
      return [part, files];
    }),
  );
}

function peerRequest(definition: StudyDefinition, split: DatasetSplit, data: unknown): object {
  if (definition.task?.type !== 'train') throw new Error('not a training sweep');
  const { model, training } = definition.task;
  const space = SearchSpace.fromDefinition(definition.space);
  const grid =
    definition.sampler.type === 'grid'
      ? Object.fromEntries(
          space.order.map((name) => {
            const values = gridValues(definition.space[name] as never);
            return [name, 'values' in values ? values.values : []];
          }),
        )
      : undefined;
  return {
    data,
    pixels: split.shape[0] * split.shape[1] * split.shape[2],
    classes: split.classes,
    definition: definition.space,
    order: space.order,
    sampler: { type: definition.sampler.type, seed: definition.sampler.seed, ...(grid ? { grid } : {}) },
    trials: definition.budget.trials,
    n_jobs: options.threads,
    seed: definition.seed,
    model,
    training,
  };
}

async function runPeer(
  peer: PythonPeer & { available: true },
  request: object,
  replay: readonly Record<string, unknown>[] | undefined,
): Promise<Run & { answer: PeerAnswer }> {
  const start = performance.now();
  const [answer] = (await runPython(peer, 'sweep.py', { ...request, ...(replay ? { enqueue: replay } : {}) }, undefined, ONE_THREAD)) as [
    PeerAnswer,
  ];
  const seconds = (performance.now() - start) / 1000;
  return {
    seconds,
    cpuSeconds: answer.cpu_seconds,
    finished: answer.complete + answer.failed,
    best: answer.best_value,
    testAccuracy: answer.best_test_accuracy,
    answer,
  };
}

interface SweepRuns {
  readonly name: string;
  readonly trials: number;
  readonly ours: OurRun[];
  readonly peer: Run[];
  readonly skipped?: string;
  /** With a replay: whether every peer run trained exactly the configurations it was given. */
  sameConfigurations?: boolean;
}

/** Configurations with their parameters in name order, to compare two lists as JSON. */
function sortedKeys(configurations: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return configurations.map((params) => Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b))));
}

function findPeer(): (PythonPeer & { available: true }) | undefined {
  if (!options.peer) return undefined;
  const [peer, torch] = [findOptuna(), findPythonPackage(TORCH)];
  const missing = [peer, torch].find((found) => !found.available);
  if (missing && !missing.available) {
    console.log(missing.reason);
    return undefined;
  }
  if (!peer.available) return undefined;
  // Against the reference BLAS the peer would train several times slower than a PyTorch user's.
  console.log(describeTorchBlas(fastTorchBlas(peer)));
  return peer;
}

async function main(): Promise<void> {
  console.log(describeMachine());
  const peer = findPeer();
  const loadStart = loadAverage();
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-sweep-'));
  const overrides: SweepOverrides = {
    ...(options.trials ? { trials: options.trials } : {}),
    ...(options.epochs ? { epochs: options.epochs } : {}),
  };
  const results: SweepRuns[] = [];
  try {
    for (const [index, path] of options.sweeps.entries()) {
      const place = join(directory, String(index));
      mkdirSync(place);
      const file = sweepFileToRun(path, readFileSync(path, 'utf8'), overrides, place);
      const { definition } = await loadSweepFile(file);
      const problem = peer ? peerProblem(definition) : undefined;
      if (problem) console.log(`${definition.name}: no peer run (${problem})`);
      let request: object | undefined;
      if (peer && !problem && definition.task?.type === 'train') {
        const split = await new DatasetCache().load(definition.task.dataset);
        request = peerRequest(definition, split, exportSplit(split, place));
      }
      const runs: SweepRuns = {
        name: definition.name,
        trials: definition.budget.trials ?? 0,
        ours: [],
        peer: [],
        ...(problem ? { skipped: problem } : {}),
      };
      // A grid is the same work on both sides; a search samples differently on each (and with two
      // trials in flight, differently from run to run), so by default the peer trains the
      // configurations our last run trained, in its order (enqueue_trial), and both sides do the
      // same work. --peer-search own lets Optuna's sampler choose.
      const replay = definition.sampler.type !== 'grid' && options.peerSearch === 'replay';
      for (let repeat = 1; repeat <= options.repeats; repeat++) {
        // Alternate which side goes first (after a first run of ours, whose configurations a replay
        // needs), so that a drift in the machine's speed does not favour one.
        const sides = [
          async () => {
            console.error(`${definition.name} ${repeat}/${options.repeats}: sweeper run ...`);
            runs.ours.push(await runOurs(file, join(place, `ours-${repeat}.db`), definition.name));
          },
          ...(request && peer
            ? [
                async () => {
                  console.error(`${definition.name} ${repeat}/${options.repeats}: Optuna + PyTorch ...`);
                  const configurations = replay ? (runs.ours.at(-1) as OurRun).configurations : undefined;
                  const run = await runPeer(peer, request, configurations);
                  if (configurations)
                    runs.sameConfigurations =
                      (runs.sameConfigurations ?? true) &&
                      JSON.stringify(sortedKeys(run.answer.configurations)) === JSON.stringify(sortedKeys(configurations));
                  if (runs.peer.length === 0)
                    console.log(
                      `${definition.name}: Optuna ${run.answer.optuna}, PyTorch ${run.answer.torch}; importing them took ${significant(run.answer.import_seconds)} s of the peer's time`,
                    );
                  runs.peer.push(run);
                },
              ]
            : []),
        ];
        if (repeat % 2 === 0) sides.reverse();
        for (const side of sides) await side();
      }
      results.push(runs);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  console.log(`machine at end: ${describeLoad()}`);
  report(results, peer, loadStart);
}

function report(results: readonly SweepRuns[], peer: PythonPeer | undefined, loadStart: number): void {
  const withPeer = results.some((runs) => runs.peer.length > 0);
  const head = [
    'sweep',
    'trials',
    'ours s',
    'ours CPU s',
    'ours trials/h',
    ...(withPeer ? ['Optuna+PyTorch s', 'their CPU s', 'their trials/h', 'ours/theirs trials/h'] : []),
    'best val acc ours',
    ...(withPeer ? ['best val acc theirs'] : []),
  ];
  const mid = (runs: readonly Run[], of: (run: Run) => number | null): number => median(runs.map((run) => of(run) ?? Number.NaN));
  const rows = results.map((runs) => [
    runs.name,
    String(runs.trials),
    significant(mid(runs.ours, (r) => r.seconds)),
    significant(mid(runs.ours, (r) => r.cpuSeconds)),
    significant(mid(runs.ours, perHour)),
    ...(withPeer
      ? runs.peer.length > 0
        ? [
            significant(mid(runs.peer, (r) => r.seconds)),
            significant(mid(runs.peer, (r) => r.cpuSeconds)),
            significant(mid(runs.peer, perHour)),
            significant(mid(runs.ours, perHour) / mid(runs.peer, perHour)),
          ]
        : ['', '', '', '']
      : []),
    significant(mid(runs.ours, (r) => r.best)),
    ...(withPeer ? [runs.peer.length > 0 ? significant(mid(runs.peer, (r) => r.best)) : ''] : []),
  ]);
  printTable(head, rows);
  console.log(
    `s: wall seconds from process start to exit (median of ${options.repeats}); ours: sweeper run --threads ${options.threads}; theirs: study.optimize(n_jobs=${options.threads}), torch on 1 thread per job`,
  );
  console.log(
    options.peerSearch === 'replay'
      ? "theirs trained our run's configurations in a search (enqueue_trial), and its own grid in a grid: the same work on both sides"
      : "theirs chose its configurations with Optuna's sampler: in a search, not the same work as ours",
  );
  const result: Record<string, number | string> = {
    threads: options.threads,
    repeats: options.repeats,
    load_start: loadStart,
    load_end: loadAverage(),
  };
  for (const runs of results) {
    const key = runs.name.replace(/[^A-Za-z0-9]+/g, '_');
    result[`${key}_trials`] = runs.trials;
    result[`${key}_ours_seconds`] = mid(runs.ours, (r) => r.seconds);
    result[`${key}_ours_per_hour`] = mid(runs.ours, perHour);
    result[`${key}_ours_finished`] = mid(runs.ours, (r) => r.finished);
    if (runs.peer.length > 0) {
      result[`${key}_theirs_seconds`] = mid(runs.peer, (r) => r.seconds);
      result[`${key}_theirs_per_hour`] = mid(runs.peer, perHour);
      result[`${key}_theirs_finished`] = mid(runs.peer, (r) => r.finished);
      result[`${key}_ratio`] = mid(runs.ours, perHour) / mid(runs.peer, perHour);
      if (runs.sameConfigurations !== undefined) result[`${key}_same_configurations`] = runs.sameConfigurations ? 'yes' : 'no';
    }
  }
  if (!peer?.available) result.peer = 'skipped';
  printResultLine(result);
}

await main();
