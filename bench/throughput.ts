/**
 * bench:throughput: trials per second through the whole distributed path (the Submit call, the
 * sampler and the store in the coordinator, gRPC to the workers and back) with trials that take
 * no time, for the random and the TPE sampler; Optuna's ask/tell on its SQLite storage (and in
 * memory) in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { printTable } from './bench-table.js';
import { runOnCluster } from './cluster-run.js';
import { findOptuna, runPython, type OptunaPeer } from './optuna-peer.js';
import { namesFrom, seed } from './option-parsers.js';
import { describeLoad, loadAverage } from './machine-load.js';
import { printResultLine } from './result-line.js';
import { syntheticStudy, type BenchSampler, type SyntheticStudy } from './synthetic-study.js';

/** The target: with the random sampler, more than this many trials per second. */
const TARGET_RANDOM_PER_SECOND = 1000;

interface Options {
  samplers: BenchSampler[];
  randomTrials: number;
  tpeTrials: number;
  workers: number;
  threads: number;
  seed: number;
  optuna: boolean;
  memory: boolean;
  logLevel: string;
  cpuProf?: string;
}

const options = new Command()
  .name('throughput')
  .description('Trials per second of zero-length synthetic trials through coordinator, gRPC and workers, ours vs Optuna ask/tell')
  .addOption(
    new Option('--samplers <list>', 'tpe and/or random, on both sides')
      .default(['random', 'tpe'], 'random,tpe')
      .argParser(namesFrom(['random', 'tpe'])),
  )
  .addOption(new Option('--random-trials <n>', 'trials with the random sampler').default(5000).argParser(positiveInteger))
  .addOption(new Option('--tpe-trials <n>', 'trials with the TPE sampler').default(1000).argParser(positiveInteger))
  .addOption(new Option('--workers <n>', 'worker processes').default(2).argParser(positiveInteger))
  .addOption(new Option('--threads <n>', "each worker's threads (runs at once)").default(32).argParser(positiveInteger))
  .addOption(new Option('--seed <n>', 'seed of both samplers').default(1).argParser(seed))
  .option('--no-optuna', 'run ours only')
  .option('--no-memory', "skip Optuna's in-memory storage runs")
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

interface Rates {
  readonly sampler: BenchSampler;
  readonly trials: number;
  readonly ours: number;
  readonly oursFirstStartMs: number;
  /** CPU milliseconds per trial of our coordinator and of all our workers together. */
  readonly cpuMsPerTrial?: { readonly coordinator: number; readonly workers: number };
  readonly optuna?: number;
  readonly memory?: number;
}

function trialsFor(sampler: BenchSampler): number {
  return sampler === 'random' ? options.randomTrials : options.tpeTrials;
}

async function ratesFor(sampler: BenchSampler, peer: OptunaPeer | undefined): Promise<Rates> {
  const trials = trialsFor(sampler);
  const study = syntheticStudy({ name: `bench-throughput-${sampler}`, trials, epochs: 1, epochSeconds: 0, sampler, seed: options.seed });
  console.error(`running ours (${sampler}, ${trials} trials) ...`);
  const run = await runOnCluster({
    sweepYaml: study.yaml,
    studyName: `bench-throughput-${sampler}`,
    trials,
    workers: options.workers,
    threads: options.threads,
    logLevel: options.logLevel,
    ...(options.cpuProf !== undefined && { cpuProfDir: options.cpuProf }),
    // Far beyond any plausible run: 10 trials per second would take this long.
    timeoutMs: trials * 100 + 60_000,
  });
  const rates: Rates = {
    sampler,
    trials,
    ours: trials / (run.wallMs / 1000),
    oursFirstStartMs: run.firstStartMs,
    ...(run.cpuMsPerTrial && { cpuMsPerTrial: run.cpuMsPerTrial }),
  };
  if (!peer?.available) return rates;
  console.error(`running optuna (${sampler}, SQLite) ...`);
  const optuna = await optunaRate(peer, study, sampler, trials, 'sqlite');
  if (!options.memory) return { ...rates, optuna };
  console.error(`running optuna (${sampler}, in-memory) ...`);
  return { ...rates, optuna, memory: await optunaRate(peer, study, sampler, trials, 'memory') };
}

async function optunaRate(
  peer: OptunaPeer & { available: true },
  study: SyntheticStudy,
  sampler: BenchSampler,
  trials: number,
  storage: 'sqlite' | 'memory',
): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-throughput-'));
  try {
    const [answer] = (await runPython(peer, 'throughput.py', {
      definition: study.definition,
      order: study.order,
      task: study.task,
      trials,
      sampler,
      seed: options.seed,
      storage,
      path: join(directory, 'optuna.db'),
    })) as [{ wall_s: number; trials: number }];
    return answer.trials / answer.wall_s;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Rates to the unit: three significant digits would print 1,005 trials/s as 1010, across the target. */
function perSecond(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3);
}

async function main(): Promise<void> {
  const peer = options.optuna ? findOptuna() : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  console.log(
    `throughput: synthetic trials of 1 epoch, 0 s; ours on ${options.workers} workers × ${options.threads} threads on loopback; ` +
      `Optuna${peer?.available ? ` ${peer.version}` : ''} ask/tell in one thread`,
  );
  const all: Rates[] = [];
  const loadAtStart = loadAverage();
  console.log(`machine at start: ${describeLoad()}`);
  // One side at a time, never overlapping, so that neither takes the other's cores.
  for (const sampler of options.samplers) all.push(await ratesFor(sampler, peer));
  const loadAtEnd = loadAverage();
  console.log(`machine at end: ${describeLoad()}`);

  const optunaColumns = peer?.available
    ? ['optuna SQLite trials/s', 'ours/optuna', ...(options.memory ? ['optuna in-memory trials/s', 'ours/in-memory'] : [])]
    : [];
  printTable(
    ['sampler', 'trials', 'ours trials/s', ...optunaColumns],
    all.map((r) => [
      r.sampler,
      r.trials,
      perSecond(r.ours),
      ...(r.optuna !== undefined ? [perSecond(r.optuna), r.ours / r.optuna] : []),
      ...(r.memory !== undefined ? [perSecond(r.memory), r.ours / r.memory] : []),
    ]),
  );
  for (const r of all) {
    const cpu = r.cpuMsPerTrial
      ? `; CPU per trial ${r.cpuMsPerTrial.coordinator.toFixed(3)} ms in the coordinator, ${r.cpuMsPerTrial.workers.toFixed(3)} ms in the workers`
      : '';
    console.log(`ours (${r.sampler}): first trial started ${(r.oursFirstStartMs / 1000).toFixed(3)} s after the submit${cpu}`);
  }

  const random = all.find((r) => r.sampler === 'random');
  const met = random === undefined ? undefined : random.ours > TARGET_RANDOM_PER_SECOND;
  if (met !== undefined)
    console.log(
      `target: over ${TARGET_RANDOM_PER_SECOND} trials/s with the random sampler: ${met ? 'met' : 'NOT met'} (${random?.ours.toFixed(0)})`,
    );

  const result: Record<string, number | string> = {
    workers: options.workers,
    threads: options.threads,
    load_start: loadAtStart,
    load_end: loadAtEnd,
  };
  for (const r of all) {
    result[`${r.sampler}_trials`] = r.trials;
    result[`ours_${r.sampler}_per_s`] = r.ours;
    if (r.cpuMsPerTrial) result[`coordinator_cpu_ms_per_${r.sampler}_trial`] = r.cpuMsPerTrial.coordinator;
    if (r.optuna !== undefined) {
      result[`optuna_${r.sampler}_per_s`] = r.optuna;
      result[`ratio_${r.sampler}`] = r.ours / r.optuna;
    }
    if (r.memory !== undefined) {
      result[`optuna_memory_${r.sampler}_per_s`] = r.memory;
      result[`ratio_memory_${r.sampler}`] = r.ours / r.memory;
    }
  }
  if (!peer?.available) result.optuna = 'skipped';
  if (met !== undefined) result.target = met ? 'met' : 'missed';
  printResultLine(result);
}

await main();
