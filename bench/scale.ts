/**
 * bench:scale: one coordinator and many workers, as issue 17 asks: N simulated workers (real
 * WorkerAgents, each with a gRPC connection of its own, a few hundred per process, their runs
 * synthetic timers) with 8 slots each, every slot busy at once with a synthetic trial of 10
 * epochs of 1 s (one report and one decision each), TPE with constant liar and the median pruner,
 * on a SQLite store and on PostgreSQL (a server started here). For 10, 100 and 1,000 workers: the wall time against the ideal (one wave of
 * trials: 10 s), the coordinator's CPU per trial and per epoch report, and its memory per
 * connected worker. With `--waves K`, K waves of trials in one study, and the coordinator's CPU
 * per trial in each: whether a trial costs more as the study grows. No peer: Optuna has no
 * coordinator, Ray's cannot be installed here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { Command, InvalidArgumentError, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { printTable, significant } from './bench-table.js';
import { openStore } from '../src/store/open-store.js';
import { PostgresServer } from '../test/helpers/postgres-server.js';
import { LoopbackCluster } from './loopback-cluster.js';
import { describeLoad, loadAverage, describeMachine } from './machine-load.js';
import { positiveIntegers, positiveSeconds, seed } from './option-parsers.js';
import { printResultLine } from './result-line.js';
import { syntheticStudy } from './synthetic-study.js';
import { readTimeline } from './trial-timeline.js';

/** The goal: under 2 % over the ideal at 1,000 workers. */
const TARGET_OVERHEAD_PERCENT = 2;

type StoreKind = 'sqlite' | 'postgres';

interface Options {
  stores: StoreKind[];
  workers: number[];
  slots: number;
  epochs: number;
  epochSeconds: number;
  perProcess: number;
  waves: number;
  seed: number;
  logLevel: string;
  cpuProf?: string;
}

const options = new Command()
  .name('scale')
  .description('One coordinator, N simulated workers of 8 slots, every slot busy: overhead, CPU and memory')
  .addOption(
    new Option('--stores <list>', 'the stores to run on: sqlite, postgres or both')
      .default(['sqlite', 'postgres'], 'sqlite,postgres')
      .argParser((text) =>
        text.split(',').map((kind) => {
          if (kind !== 'sqlite' && kind !== 'postgres') throw new InvalidArgumentError(`--stores: ${kind} is neither sqlite nor postgres`);
          return kind;
        }),
      ),
  )
  .addOption(new Option('--workers <list>', 'numbers of workers').default([10, 100, 1000], '10,100,1000').argParser(positiveIntegers))
  .addOption(new Option('--slots <n>', "each worker's slots").default(8).argParser(positiveInteger))
  .addOption(new Option('--epochs <n>', "a trial's epochs (a report and a decision each)").default(10).argParser(positiveInteger))
  .addOption(new Option('--epoch-seconds <s>', 'seconds an epoch sleeps').default(1).argParser(positiveSeconds))
  .addOption(new Option('--per-process <n>', 'simulated workers per process').default(250).argParser(positiveInteger))
  .addOption(
    new Option('--waves <k>', "trials per slot in one study: the CPU per trial of each wave of slots' worth shows whether it grows")
      .default(1)
      .argParser(positiveInteger),
  )
  .addOption(new Option('--seed <n>', 'seed of the sampler').default(1).argParser(seed))
  .addOption(new Option('--log-level <level>', "the coordinator's log level").default('warn'))
  .option('--cpu-prof <dir>', "write the coordinator's V8 CPU profile (node --cpu-prof) into DIR")
  .parse()
  .opts<Options>();

interface Measured {
  readonly store: StoreKind;
  readonly workers: number;
  readonly trials: number;
  readonly wallS: number;
  readonly idealS: number;
  readonly overheadPercent: number;
  /** When the last trial started, after the submit: the ramp of the first wave. */
  readonly lastStartS: number;
  /** How long a trial that ran every epoch held its slot: the ideal is epochs x epoch seconds. */
  readonly completeTrialS: number;
  readonly cpuMsPerTrial: number;
  readonly cpuMsPerReport: number;
  /** The simulated workers' CPU (every process) per epoch report: the client side of the same load. */
  readonly workersCpuMsPerReport: number;
  /** Cores the coordinator and the simulated workers kept busy together, on average over the run. */
  readonly coresBusy: number;
  readonly reports: number;
  readonly pruned: number;
  readonly kbPerWorker: number;
  /** The coordinator's CPU ms per trial over each wave (the trials that finished k-th, a slots' worth each). */
  readonly waveCpuMsPerTrial: readonly number[];
}

/** A poll of the study: how many trials had finished, and the coordinator's CPU seconds by then. */
interface Sample {
  readonly finished: number;
  readonly cpuSeconds: number;
}

/**
 * The coordinator's CPU per trial over each wave of `size` trials: from the first poll that saw
 * the wave's first trial finish... to the first that saw its last, interpolated between polls.
 */
function cpuPerWave(samples: readonly Sample[], size: number, waves: number): number[] {
  const at = (finished: number): number => {
    const after = samples.findIndex((sample) => sample.finished >= finished);
    if (after <= 0) return (samples[Math.max(after, 0)] ?? { cpuSeconds: Number.NaN }).cpuSeconds;
    const [a, b] = [samples[after - 1] as Sample, samples[after] as Sample];
    return a.cpuSeconds + ((b.cpuSeconds - a.cpuSeconds) * (finished - a.finished)) / (b.finished - a.finished);
  };
  return Array.from({ length: waves }, (_, k) => ((at((k + 1) * size) - at(k * size)) * 1000) / size);
}

/** The sweep: the synthetic study of the distributed benchmarks, with the median pruner. */
function sweepYaml(name: string, trials: number): string {
  const { yaml } = syntheticStudy({
    name,
    trials,
    epochs: options.epochs,
    epochSeconds: options.epochSeconds,
    sampler: 'tpe',
    seed: options.seed,
  });
  return stringify({ ...(parse(yaml) as object), pruner: { type: 'median' } });
}

async function measure(store: StoreKind, workers: number, server: PostgresServer | undefined): Promise<Measured> {
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-scale-'));
  const db = server?.database(`scale_${workers}`);
  const trials = workers * options.slots * options.waves;
  // Waves after the first start as slots free up; pruned trials free theirs early, so with
  // waves this is an upper bound of the ideal.
  const idealS = options.epochs * options.epochSeconds * options.waves;
  try {
    const cluster = await LoopbackCluster.start({
      directory,
      ...(db !== undefined && { db }),
      workers,
      threads: options.slots,
      logLevel: options.logLevel,
      simulatedPerProcess: options.perProcess,
      ...(options.cpuProf !== undefined && { coordinatorNodeArgs: ['--cpu-prof', '--cpu-prof-dir', options.cpuProf] }),
    });
    let submittedAt: number;
    let cpu: { before?: number; after?: number } = {};
    let workersCpu: { before?: number; after?: number } = {};
    let connectedRss: number | undefined;
    const samples: Sample[] = [];
    try {
      connectedRss = cluster.coordinatorRss();
      cpu = { before: cluster.cpuSeconds()?.coordinator };
      workersCpu = { before: cluster.cpuSeconds()?.workers };
      submittedAt = Date.now();
      const name = `scale-${workers}`;
      await cluster.client.submit({ sweepYaml: sweepYaml(name, trials), fileName: `${name}.yaml`, study: name });
      samples.push({ finished: 0, cpuSeconds: cpu.before ?? Number.NaN });
      await cluster.waitForStudy(name, trials, 500, 30 * 60_000, (finished) =>
        samples.push({ finished, cpuSeconds: cluster.cpuSeconds()?.coordinator ?? Number.NaN }),
      );
      cpu.after = cluster.cpuSeconds()?.coordinator;
      workersCpu.after = cluster.cpuSeconds()?.workers;
    } finally {
      await cluster.stop();
    }
    const timeline = await readTimeline(cluster.storePath, `scale-${workers}`);
    const reader = await openStore(cluster.storePath, 'read');
    const reports = await reader
      .rawTransaction('read', async (tx) => (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM trial_epochs'))?.n ?? 0)
      .finally(() => reader.close());
    const wallS = (timeline.lastFinishMs - submittedAt) / 1000;
    const cpuMs = cpu.after !== undefined && cpu.before !== undefined ? (cpu.after - cpu.before) * 1000 : Number.NaN;
    const workersCpuMs =
      workersCpu.after !== undefined && workersCpu.before !== undefined ? (workersCpu.after - workersCpu.before) * 1000 : Number.NaN;
    // What the coordinator holds per connected worker: its memory with the workers connected, over the one of a coordinator with none.
    const idle = await idleCoordinatorRss();
    return {
      store,
      workers,
      trials,
      wallS,
      idealS,
      overheadPercent: ((wallS - idealS) / idealS) * 100,
      lastStartS: (timeline.lastStartMs - submittedAt) / 1000,
      completeTrialS: timeline.meanCompleteMs / 1000,
      cpuMsPerTrial: cpuMs / trials,
      cpuMsPerReport: cpuMs / reports,
      workersCpuMsPerReport: workersCpuMs / reports,
      coresBusy: (cpuMs + workersCpuMs) / 1000 / wallS,
      reports,
      pruned: timeline.counts.PRUNED,
      kbPerWorker: connectedRss !== undefined && idle !== undefined ? (connectedRss - idle) / 1024 / workers : Number.NaN,
      waveCpuMsPerTrial: cpuPerWave(
        [...samples, { finished: trials, cpuSeconds: cpu.after ?? Number.NaN }],
        trials / options.waves,
        options.waves,
      ),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The resident memory of a coordinator with no worker connected, started as the measured one is. */
async function idleCoordinatorRss(): Promise<number | undefined> {
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-scale-idle-'));
  const cluster = await LoopbackCluster.start({
    directory,
    workers: 0,
    threads: options.slots,
    logLevel: options.logLevel,
    simulatedPerProcess: options.perProcess,
  });
  try {
    return cluster.coordinatorRss();
  } finally {
    await cluster.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

console.log(describeMachine());
console.log(
  `each size: N workers x ${options.slots} slots, N x ${options.slots} trials at once of ${options.epochs} epochs x ${options.epochSeconds} s (TPE, constant liar, median pruner, on ${options.stores.join(' and ')}), ${options.waves} wave${options.waves === 1 ? '' : 's'} of them in one study; ideal ${options.epochs * options.epochSeconds * options.waves} s${options.waves === 1 ? '' : ' at most (a pruned trial frees its slot early)'}`,
);
const loadStart = loadAverage();
const results: Measured[] = [];
const server = options.stores.includes('postgres') ? await PostgresServer.start() : undefined;
try {
  for (const store of options.stores) {
    for (const workers of options.workers) {
      console.log(`running ${workers} workers on ${store} ...`);
      results.push(await measure(store, workers, store === 'postgres' ? server : undefined));
    }
  }
} finally {
  await server?.close();
}
printTable(
  [
    'store',
    'workers',
    'trials at once',
    'wall s',
    'ideal s',
    'overhead %',
    'last start s',
    'complete trial s',
    'coord. CPU ms/trial',
    'coord. CPU ms/report',
    'workers CPU ms/report',
    'cores busy',
    'pruned',
    'KB per worker',
  ],
  results.map((r) => [
    r.store,
    r.workers,
    r.workers * options.slots,
    significant(r.wallS),
    options.waves === 1 ? r.idealS : `≤ ${r.idealS}`,
    // Against an upper bound of the ideal, the overhead says nothing.
    options.waves === 1 ? significant(r.overheadPercent) : 'n/a',
    significant(r.lastStartS),
    significant(r.completeTrialS),
    significant(r.cpuMsPerTrial),
    significant(r.cpuMsPerReport),
    significant(r.workersCpuMsPerReport),
    significant(r.coresBusy),
    r.pruned,
    significant(r.kbPerWorker),
  ]),
);
for (const store of options.stores) {
  const largest = results.filter((r) => r.store === store).at(-1);
  // The goal is one wave's: with more, the ideal is an upper bound.
  if (largest && options.waves === 1)
    console.log(
      `target on ${store}: under ${TARGET_OVERHEAD_PERCENT} % over the ideal at ${largest.workers} workers: ${largest.overheadPercent < TARGET_OVERHEAD_PERCENT ? 'met' : 'NOT met'} (${significant(largest.overheadPercent)} %)`,
    );
}
if (options.waves > 1) {
  console.log("the coordinator's CPU per trial in each wave of the study (the trials that finished k-th, N x slots of them):");
  printTable(
    ['store', 'workers', ...Array.from({ length: options.waves }, (_, k) => `wave ${k + 1} ms/trial`), 'last / first'],
    results.map((r) => [
      r.store,
      r.workers,
      ...r.waveCpuMsPerTrial.map((ms) => significant(ms)),
      significant((r.waveCpuMsPerTrial.at(-1) as number) / (r.waveCpuMsPerTrial[0] as number)),
    ]),
  );
}
console.log(`machine at end: ${describeLoad()}`);
printResultLine({
  slots: options.slots,
  epochs: options.epochs,
  waves: options.waves,
  ...Object.fromEntries(
    results.flatMap((r): [string, number][] => [
      [`${r.store}_overhead_pct_${r.workers}`, Number(r.overheadPercent.toFixed(2))],
      [`${r.store}_cpu_ms_per_trial_${r.workers}`, Number(r.cpuMsPerTrial.toFixed(3))],
      [`${r.store}_cpu_ms_per_report_${r.workers}`, Number(r.cpuMsPerReport.toFixed(4))],
      [`${r.store}_workers_cpu_ms_per_report_${r.workers}`, Number(r.workersCpuMsPerReport.toFixed(4))],
      [`${r.store}_cores_busy_${r.workers}`, Number(r.coresBusy.toFixed(2))],
      [`${r.store}_kb_per_worker_${r.workers}`, Number(r.kbPerWorker.toFixed(1))],
      ...(options.waves > 1
        ? r.waveCpuMsPerTrial.map((ms, k): [string, number] => [
            `${r.store}_cpu_ms_per_trial_${r.workers}_wave_${k + 1}`,
            Number(ms.toFixed(3)),
          ])
        : []),
    ]),
  ),
  load_start: Number(loadStart.toFixed(2)),
  load_end: Number(loadAverage().toFixed(2)),
});
