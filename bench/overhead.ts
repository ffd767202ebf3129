/**
 * bench:overhead: how close a distributed sweep of short trials comes to the time the trials
 * themselves take, shaped like Ray Tune's "bookkeeping overhead" release test (10,000 trials of
 * one second with one result each, on 16 slots: 625 s ideal). Ours: a real coordinator process
 * and worker processes on loopback running synthetic trials that sleep; Optuna's: the same number
 * of sleeping trials through study.optimize(n_jobs=SLOTS), in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { printTable } from './bench-table.js';
import { runOnCluster } from './cluster-run.js';
import { findOptuna, runPython, type OptunaPeer } from './optuna-peer.js';
import { exitUnlessSlotsShare, positiveSeconds, seed } from './option-parsers.js';
import { describeLoad, loadAverage } from './machine-load.js';
import { printResultLine } from './result-line.js';
import { syntheticStudy, type BenchSampler, type SyntheticStudy } from './synthetic-study.js';

/** The target: our wall time at most 2 % over the ideal. */
const TARGET_OVERHEAD_PERCENT = 2;

interface Options {
  trials: number;
  slots: number;
  workers: number;
  seconds: number;
  epochs: number;
  sampler: BenchSampler;
  seed: number;
  optuna: boolean;
  memory: boolean;
  logLevel: string;
  cpuProf?: string;
}

const options = new Command()
  .name('overhead')
  .description('Wall time of N sleeping trials on SLOTS slots against the ideal, ours (coordinator + workers on loopback) vs Optuna')
  .addOption(new Option('--trials <n>', 'trials to run').default(2000).argParser(positiveInteger))
  .addOption(new Option('--slots <n>', 'trials at once: worker threads in all').default(64).argParser(positiveInteger))
  .addOption(new Option('--workers <n>', 'worker processes sharing the slots').default(4).argParser(positiveInteger))
  .addOption(new Option('--seconds <s>', "a trial's duration").default(1).argParser(positiveSeconds))
  .addOption(
    new Option('--epochs <n>', 'epochs a trial is split into (each one a report and a decision)').default(1).argParser(positiveInteger),
  )
  .addOption(new Option('--sampler <name>', 'tpe or random, on both sides').default('tpe').choices(['tpe', 'random']))
  .addOption(new Option('--seed <n>', 'seed of both samplers').default(1).argParser(seed))
  .option('--no-optuna', 'run ours only')
  .option('--no-memory', "skip Optuna's in-memory storage run")
  .addOption(
    new Option('--log-level <level>', "our processes' log level (logs go to files)")
      .default('info')
      .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']),
  )
  .option(
    '--cpu-prof <dir>',
    'write CPU profiles (node --cpu-prof) of our coordinator into DIR/coordinator and of our workers into DIR/workers',
  )
  .parse()
  .opts<Options>();

exitUnlessSlotsShare(options.slots, options.workers);

/** The time the trials take with no overhead at all: full waves of `slots` trials, one after another. */
const idealSeconds = Math.ceil(options.trials / options.slots) * options.seconds;

interface Row {
  readonly name: string;
  readonly seconds: number;
}

interface OursRow extends Row {
  readonly firstStartMs: number;
  readonly meanTrialMs: number;
  readonly utilisation: number;
  readonly cpuMsPerTrial?: { readonly coordinator: number; readonly workers: number };
}

async function timeOurs(study: SyntheticStudy): Promise<OursRow> {
  const run = await runOnCluster({
    sweepYaml: study.yaml,
    studyName: 'bench-overhead',
    trials: options.trials,
    workers: options.workers,
    threads: options.slots / options.workers,
    logLevel: options.logLevel,
    ...(options.cpuProf !== undefined && { cpuProfDir: options.cpuProf }),
    timeoutMs: 10 * idealSeconds * 1000 + 60_000,
  });
  return {
    name: `ours (${options.sampler}, ${options.workers} workers × ${options.slots / options.workers} threads)`,
    seconds: run.wallMs / 1000,
    firstStartMs: run.firstStartMs,
    meanTrialMs: run.timeline.meanTrialMs,
    utilisation: run.timeline.busyMs / (options.slots * run.wallMs),
    ...(run.cpuMsPerTrial && { cpuMsPerTrial: run.cpuMsPerTrial }),
  };
}

async function timeOptuna(
  peer: OptunaPeer & { available: true },
  study: SyntheticStudy,
  storage: 'sqlite' | 'memory',
  directory: string,
): Promise<Row> {
  const [answer] = (await runPython(peer, 'overhead.py', {
    definition: study.definition,
    order: study.order,
    task: study.task,
    trials: options.trials,
    slots: options.slots,
    seconds: options.seconds,
    sampler: options.sampler,
    seed: options.seed,
    storage,
    path: join(directory, 'optuna.db'),
  })) as [{ wall_s: number; complete: number; failed: number }];
  if (answer.complete !== options.trials)
    throw new Error(`Optuna (${storage}) completed ${answer.complete} of ${options.trials} trials (${answer.failed} failed)`);
  return {
    name: `optuna ${peer.version} (${options.sampler}, ${storage === 'sqlite' ? 'RDB SQLite' : 'in-memory'}, n_jobs=${options.slots})`,
    seconds: answer.wall_s,
  };
}

const overheadPercent = (seconds: number): number => (seconds / idealSeconds - 1) * 100;

async function main(): Promise<void> {
  const peer = options.optuna ? findOptuna() : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  const study = syntheticStudy({
    name: 'bench-overhead',
    trials: options.trials,
    epochs: options.epochs,
    epochSeconds: options.seconds / options.epochs,
    sampler: options.sampler,
    seed: options.seed,
  });
  console.log(
    `overhead: ${options.trials} trials of ${options.seconds} s (${options.epochs} epoch${options.epochs > 1 ? 's' : ''} each) on ${options.slots} slots, ${options.sampler} sampler; ` +
      `ideal ${idealSeconds} s = ceil(${options.trials} / ${options.slots}) × ${options.seconds} s`,
  );

  const loadAtStart = loadAverage();
  console.log(`machine at start: ${describeLoad()}`);
  // One side at a time, never overlapping, so that neither takes the other's cores.
  console.error('running ours ...');
  const ours = await timeOurs(study);
  const loadAtEnd = loadAverage();
  console.log(`machine after ours: ${describeLoad()}`);
  const rows: Row[] = [ours];
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-overhead-'));
  try {
    if (peer?.available) {
      console.error('running optuna (SQLite) ...');
      rows.push(await timeOptuna(peer, study, 'sqlite', directory));
      if (options.memory) {
        console.error('running optuna (in-memory) ...');
        rows.push(await timeOptuna(peer, study, 'memory', directory));
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  printTable(
    ['run', 'wall s', 'ideal s', 'actual/ideal', 'overhead %', 'overhead vs ours'],
    rows.map((row) => [
      row.name,
      row.seconds,
      idealSeconds,
      row.seconds / idealSeconds,
      overheadPercent(row.seconds),
      row === ours ? '' : `${(overheadPercent(row.seconds) / overheadPercent(ours.seconds)).toPrecision(3)}x`,
    ]),
  );
  console.log(
    `ours: first trial started ${(ours.firstStartMs / 1000).toFixed(3)} s after the submit; a trial held its slot ${(ours.meanTrialMs / 1000).toFixed(4)} s on average ` +
      `(started → finished in the store); slots busy ${(ours.utilisation * 100).toFixed(1)} % of the wall time`,
  );
  if (ours.cpuMsPerTrial) {
    console.log(
      `ours: CPU per trial ${ours.cpuMsPerTrial.coordinator.toFixed(2)} ms in the coordinator, ${ours.cpuMsPerTrial.workers.toFixed(2)} ms in the workers (all ${options.workers} together)`,
    );
  }
  const met = overheadPercent(ours.seconds) < TARGET_OVERHEAD_PERCENT;
  console.log(
    `target: our overhead under ${TARGET_OVERHEAD_PERCENT} %: ${met ? 'met' : 'NOT met'} (${overheadPercent(ours.seconds).toFixed(2)} %)`,
  );

  const result: Record<string, number | string> = {
    trials: options.trials,
    slots: options.slots,
    workers: options.workers,
    seconds: options.seconds,
    epochs: options.epochs,
    sampler: options.sampler,
    load_start: loadAtStart,
    load_end: loadAtEnd,
    ideal_s: idealSeconds,
    ours_s: ours.seconds,
    ours_ratio: ours.seconds / idealSeconds,
    ours_overhead_pct: overheadPercent(ours.seconds),
  };
  if (ours.cpuMsPerTrial) {
    result.coordinator_cpu_ms_per_trial = ours.cpuMsPerTrial.coordinator;
    result.workers_cpu_ms_per_trial = ours.cpuMsPerTrial.workers;
  }
  const [, sqlite, memory] = rows;
  if (sqlite) {
    result.optuna_s = sqlite.seconds;
    result.optuna_ratio = sqlite.seconds / idealSeconds;
    result.optuna_overhead_pct = overheadPercent(sqlite.seconds);
    result.overhead_ratio = overheadPercent(sqlite.seconds) / overheadPercent(ours.seconds);
  } else {
    result.optuna = 'skipped';
  }
  if (memory) {
    result.optuna_memory_s = memory.seconds;
    result.optuna_memory_ratio = memory.seconds / idealSeconds;
    result.optuna_memory_overhead_pct = overheadPercent(memory.seconds);
    result.overhead_ratio_memory = overheadPercent(memory.seconds) / overheadPercent(ours.seconds);
  }
  result.target = met ? 'met' : 'missed';
  printResultLine(result);
}

await main();
