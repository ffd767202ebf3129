/**
 * bench:command: what running the user's own program (a `command:` task) costs, in the same run
 * as the synthetic task and as Optuna running the same program. Two parts:
 * - per run: N trials of a program that reports one epoch and exits at once, against N
 *   zero-length synthetic trials, both through a real coordinator and workers on loopback: the
 *   difference in milliseconds per run is the cost of a process per run;
 * - 1-second programs on SLOTS slots: wall time against the ideal, ceil(N / SLOTS) × the
 *   program's own time per run (measured in the same run with SLOTS at once and no sweeper: its
 *   shell and its `sleep` cost it milliseconds that no scheduler can save), the target being under
 *   2 % over it, as for the synthetic task (bench:overhead); the overhead over ceil(N / SLOTS) ×
 *   1 s is printed too.
 * Optuna's side: study.optimize(n_jobs=SLOTS) whose objective runs the same program with
 * subprocess.run (and, for the per-run part, its synthetic objective too).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import { printTable } from './bench-table.js';
import { runOnCluster } from './cluster-run.js';
import { describeLoad, loadAverage, describeMachine } from './machine-load.js';
import { findOptuna, runPython, type OptunaPeer } from './optuna-peer.js';
import { exitUnlessSlotsShare, namesFrom, positiveSeconds, seed } from './option-parsers.js';
import { programAloneSeconds } from './program-alone.js';
import { printResultLine } from './result-line.js';
import { BENCH_SPACE, benchSweep, syntheticStudy, type BenchSampler, type BenchStudy } from './synthetic-study.js';

/** The target of the 1-second part: our wall time at most 2 % over the ideal with the program's own time. */
const TARGET_OVERHEAD_PERCENT = 2;

type Part = 'per-run' | 'slots';

interface Options {
  parts: Part[];
  perRunTrials: number;
  trials: number;
  slots: number;
  workers: number;
  seconds: number;
  sampler: BenchSampler;
  seed: number;
  optuna: boolean;
  optunaStorage: 'sqlite' | 'memory';
  logLevel: string;
  cpuProf?: string;
}

const options = new Command()
  .name('command')
  .description(
    'The cost of a process per run (command tasks against the synthetic task), and 1-second programs on SLOTS slots against the ideal; ours (coordinator + workers on loopback) vs Optuna running the same program',
  )
  .addOption(
    new Option('--parts <list>', 'per-run (programs that exit at once) and/or slots (1-second programs)')
      .default(['per-run', 'slots'], 'per-run,slots')
      .argParser(namesFrom(['per-run', 'slots']) as (value: string) => Part[]),
  )
  .addOption(new Option('--per-run-trials <n>', 'trials of each kind in the per-run part').default(400).argParser(positiveInteger))
  .addOption(
    new Option('--trials <n>', 'trials of 1-second programs in the slots part (2000 as bench:overhead)')
      .default(640)
      .argParser(positiveInteger),
  )
  .addOption(new Option('--slots <n>', 'trials at once: worker threads in all').default(64).argParser(positiveInteger))
  .addOption(new Option('--workers <n>', 'worker processes sharing the slots').default(4).argParser(positiveInteger))
  .addOption(new Option('--seconds <s>', 'how long a program of the slots part sleeps').default(1).argParser(positiveSeconds))
  .addOption(new Option('--sampler <name>', 'tpe or random, on both sides').default('tpe').choices(['tpe', 'random']))
  .addOption(new Option('--seed <n>', 'seed of both samplers').default(1).argParser(seed))
  .option('--no-optuna', 'run ours only')
  .addOption(new Option('--optuna-storage <kind>', "Optuna's storage").default('sqlite').choices(['sqlite', 'memory']))
  .addOption(
    new Option('--log-level <level>', "our processes' log level (logs go to files)")
      .default('info')
      .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']),
  )
  .option(
    '--cpu-prof <dir>',
    'write CPU profiles (node --cpu-prof) of our coordinators into DIR/coordinator and of our workers into DIR/workers',
  )
  .parse()
  .opts<Options>();

exitUnlessSlotsShare(options.slots, options.workers);

/**
 * The program both sides run: sleeps $1 seconds (not at all for 0: `sleep` is a process of its
 * own), then reports one epoch whose val_loss is $2 (the trial's learning rate) on fd 3 under
 * sweeper, on standard output otherwise (Optuna's side reads it there). $3 and $4 (width,
 * optimizer) are passed as a real program's arguments would be, and not used.
 */
const PROGRAM = `# bench:command's program: sleep $1 s, then report one epoch with val_loss = $2.
[ "$1" = 0 ] || sleep "$1"
printf '{"epoch":1,"val_loss":%s}\\n' "$2" >&"\${SWEEPER_REPORT_FD:-1}"
`;

/** The parameters passed to the program, in order, after the seconds. */
const PROGRAM_PARAMS = Object.keys(BENCH_SPACE);

/** The command study: /bin/sh running the program with the seconds and `${name}` templates for the parameters. */
function commandStudy(name: string, trials: number, script: string, directory: string, seconds: number): BenchStudy {
  const argv = ['/bin/sh', script, String(seconds), ...PROGRAM_PARAMS.map((param) => `\${${param}}`)];
  const study = benchSweep({
    name,
    trials,
    sampler: options.sampler,
    seed: options.seed,
    task: { command: { argv, cwd: directory, epochs: 1 } },
  });
  if (study.parsed.definition.task?.type !== 'command') throw new Error('the benchmark sweep must parse to a command task');
  return study;
}

interface Timing {
  readonly name: string;
  readonly trials: number;
  readonly seconds: number;
  /** Ours only: CPU milliseconds per trial, and how busy the slots were. */
  readonly cpuMsPerTrial?: { readonly coordinator: number; readonly workers: number; readonly workerChildren: number };
  readonly meanTrialMs?: number;
  readonly firstStartMs?: number;
}

async function timeOurs(label: string, study: BenchStudy, name: string, trials: number, timeoutMs: number): Promise<Timing> {
  console.error(`running ours (${label}, ${trials} trials) ...`);
  const run = await runOnCluster({
    sweepYaml: study.yaml,
    studyName: name,
    trials,
    workers: options.workers,
    threads: options.slots / options.workers,
    logLevel: options.logLevel,
    ...(options.cpuProf !== undefined && { cpuProfDir: options.cpuProf }),
    timeoutMs,
  });
  return {
    name: `ours, ${label}`,
    trials,
    seconds: run.wallMs / 1000,
    meanTrialMs: run.timeline.meanTrialMs,
    firstStartMs: run.firstStartMs,
    ...(run.cpuMsPerTrial && { cpuMsPerTrial: run.cpuMsPerTrial }),
  };
}

async function timeOptuna(
  peer: OptunaPeer & { available: true },
  label: string,
  study: BenchStudy,
  mode: 'command' | 'synthetic',
  trials: number,
  script: string,
  seconds: number,
): Promise<Timing> {
  console.error(`running optuna (${label}, ${trials} trials) ...`);
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-command-optuna-'));
  try {
    const synthetic = syntheticStudy({ name: 'optuna', trials, epochs: 1, epochSeconds: 0, sampler: options.sampler, seed: options.seed });
    const [answer] = (await runPython(peer, 'command.py', {
      definition: study.definition,
      order: study.order,
      task: synthetic.task,
      mode,
      program: ['/bin/sh', script, String(seconds)],
      params: PROGRAM_PARAMS,
      seconds,
      trials,
      slots: options.slots,
      sampler: options.sampler,
      seed: options.seed,
      storage: options.optunaStorage,
      path: join(directory, 'optuna.db'),
    })) as [{ wall_s: number; complete: number; failed: number }];
    if (answer.complete !== trials)
      throw new Error(`Optuna (${label}) completed ${answer.complete} of ${trials} trials (${answer.failed} failed)`);
    return { name: `optuna ${peer.version}, ${label}`, trials, seconds: answer.wall_s };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const msPerRun = (timing: Timing): number => (timing.seconds * 1000) / timing.trials;

function printCpu(timing: Timing): void {
  const cpu = timing.cpuMsPerTrial;
  if (!cpu) return;
  console.log(
    `${timing.name}: CPU per trial ${cpu.coordinator.toFixed(2)} ms in the coordinator, ${cpu.workers.toFixed(2)} ms in the workers, ` +
      `${cpu.workerChildren.toFixed(2)} ms in the programs they ran; a trial held its slot ${((timing.meanTrialMs ?? 0) / 1000).toFixed(4)} s on average, ` +
      `first started ${((timing.firstStartMs ?? 0) / 1000).toFixed(3)} s after the submit`,
  );
}

/** Part 1: the cost of a process per run. */
async function perRunPart(
  peer: OptunaPeer | undefined,
  script: string,
  directory: string,
  result: Record<string, number | string>,
): Promise<void> {
  const trials = options.perRunTrials;
  console.log(`per run: ${trials} trials of a program that reports one epoch and exits, against ${trials} zero-length synthetic trials`);
  const synthetic = syntheticStudy({
    name: 'bench-command-synthetic',
    trials,
    epochs: 1,
    epochSeconds: 0,
    sampler: options.sampler,
    seed: options.seed,
  });
  const command = commandStudy('bench-command-program', trials, script, directory, 0);
  // Far beyond any plausible run: 5 trials per second would take this long.
  const timeoutMs = trials * 200 + 60_000;
  // One side at a time, never overlapping, so that neither takes the other's cores.
  const oursSynthetic = await timeOurs('synthetic 0 s', synthetic, 'bench-command-synthetic', trials, timeoutMs);
  const oursCommand = await timeOurs('program, exits at once', command, 'bench-command-program', trials, timeoutMs);
  let optunaSynthetic: Timing | undefined;
  let optunaCommand: Timing | undefined;
  if (peer?.available) {
    optunaSynthetic = await timeOptuna(peer, 'synthetic 0 s', synthetic, 'synthetic', trials, script, 0);
    optunaCommand = await timeOptuna(peer, 'program, exits at once', command, 'command', trials, script, 0);
  }
  const pairs: [string, Timing, Timing | undefined][] = [
    ['synthetic 0 s', oursSynthetic, optunaSynthetic],
    ['program, exits at once', oursCommand, optunaCommand],
  ];
  printTable(
    ['trial', 'trials', 'ours s', 'ours ms/run', ...(peer?.available ? ['optuna s', 'optuna ms/run', 'ours/optuna'] : [])],
    pairs.map(([label, ours, optuna]) => [
      label,
      ours.trials,
      ours.seconds,
      msPerRun(ours),
      ...(optuna ? [optuna.seconds, msPerRun(optuna), msPerRun(ours) / msPerRun(optuna)] : []),
    ]),
  );
  const oursCost = msPerRun(oursCommand) - msPerRun(oursSynthetic);
  const optunaCost = optunaCommand && optunaSynthetic ? msPerRun(optunaCommand) - msPerRun(optunaSynthetic) : undefined;
  console.log(
    `a process per run costs ours ${oursCost.toFixed(2)} ms per run (wall, ${options.slots} slots on ${cpus().length} cores)` +
      (optunaCost !== undefined ? `; Optuna ${optunaCost.toFixed(2)} ms` : ''),
  );
  printCpu(oursSynthetic);
  printCpu(oursCommand);
  Object.assign(result, {
    per_run_trials: trials,
    ours_synthetic_ms_per_run: msPerRun(oursSynthetic),
    ours_command_ms_per_run: msPerRun(oursCommand),
    ours_process_ms_per_run: oursCost,
  });
  if (oursCommand.cpuMsPerTrial && oursSynthetic.cpuMsPerTrial) {
    Object.assign(result, {
      ours_command_workers_cpu_ms: oursCommand.cpuMsPerTrial.workers,
      ours_command_programs_cpu_ms: oursCommand.cpuMsPerTrial.workerChildren,
      ours_command_coordinator_cpu_ms: oursCommand.cpuMsPerTrial.coordinator,
      ours_synthetic_workers_cpu_ms: oursSynthetic.cpuMsPerTrial.workers,
      ours_synthetic_coordinator_cpu_ms: oursSynthetic.cpuMsPerTrial.coordinator,
    });
  }
  if (optunaSynthetic && optunaCommand && optunaCost !== undefined) {
    Object.assign(result, {
      optuna_synthetic_ms_per_run: msPerRun(optunaSynthetic),
      optuna_command_ms_per_run: msPerRun(optunaCommand),
      optuna_process_ms_per_run: optunaCost,
      ratio_synthetic: msPerRun(oursSynthetic) / msPerRun(optunaSynthetic),
      ratio_command: msPerRun(oursCommand) / msPerRun(optunaCommand),
    });
  }
}

/** Part 2: 1-second programs on SLOTS slots against the ideal. Returns whether the target was met. */
async function slotsPart(
  peer: OptunaPeer | undefined,
  script: string,
  directory: string,
  result: Record<string, number | string>,
): Promise<boolean> {
  const { trials, seconds, slots } = options;
  const ideal = Math.ceil(trials / slots) * seconds;
  console.log(
    `slots: ${trials} trials of ${seconds} s on ${slots} slots; ideal ${ideal} s = ceil(${trials} / ${slots}) × ${seconds} s; ` +
      `the program against the synthetic task (a timer in the worker)`,
  );
  const synthetic = syntheticStudy({
    name: 'bench-command-synthetic-slots',
    trials,
    epochs: 1,
    epochSeconds: seconds,
    sampler: options.sampler,
    seed: options.seed,
  });
  const command = commandStudy('bench-command-program-slots', trials, script, directory, seconds);
  const timeoutMs = 10 * ideal * 1000 + 60_000;
  const oursSynthetic = await timeOurs(`synthetic ${seconds} s`, synthetic, 'bench-command-synthetic-slots', trials, timeoutMs);
  const oursCommand = await timeOurs(`program, ${seconds} s`, command, 'bench-command-program-slots', trials, timeoutMs);
  const rows = [oursSynthetic, oursCommand];
  let optunaCommand: Timing | undefined;
  if (peer?.available) {
    optunaCommand = await timeOptuna(peer, `program, ${seconds} s`, command, 'command', trials, script, seconds);
    rows.push(optunaCommand);
  }
  const overhead = (timing: Timing): number => (timing.seconds / ideal - 1) * 100;
  printTable(
    ['run', 'wall s', 'ideal s', 'actual/ideal', 'overhead %'],
    rows.map((row) => [row.name, row.seconds, ideal, row.seconds / ideal, overhead(row)]),
  );
  printCpu(oursSynthetic);
  printCpu(oursCommand);
  // The program's own share of the overhead: run alone, as many at once, without sweeper.
  const runs = 5;
  const ownSeconds = await programAloneSeconds(['/bin/sh', script, String(seconds), '0.5', '64', 'adam'], slots, runs);
  const ownIdeal = Math.ceil(trials / slots) * ownSeconds;
  const overOwn = (oursCommand.seconds / ownIdeal - 1) * 100;
  console.log(
    `the program alone (${slots} at once from one process, ${runs} runs each, no sweeper): ${ownSeconds.toFixed(4)} s a run, ` +
      `${((ownSeconds - seconds) * 1000).toFixed(1)} ms of its own over ${seconds} s; with it the ideal is ${ownIdeal.toFixed(2)} s, ` +
      `and ours ${overOwn.toFixed(2)} % over that`,
  );
  const met = overOwn < TARGET_OVERHEAD_PERCENT;
  console.log(
    `target: our ${seconds}-second programs under ${TARGET_OVERHEAD_PERCENT} % over the ideal with the program's own time: ` +
      `${met ? 'met' : 'NOT met'} (${overOwn.toFixed(2)} %; over ${ideal} s, ${overhead(oursCommand).toFixed(2)} %; ` +
      `the synthetic task ${overhead(oursSynthetic).toFixed(2)} %)`,
  );
  Object.assign(result, {
    trials,
    seconds,
    ideal_s: ideal,
    ours_synthetic_s: oursSynthetic.seconds,
    ours_synthetic_overhead_pct: overhead(oursSynthetic),
    ours_command_s: oursCommand.seconds,
    ours_command_overhead_pct: overhead(oursCommand),
    program_alone_s: ownSeconds,
    ours_command_over_alone_pct: overOwn,
  });
  if (oursCommand.cpuMsPerTrial) {
    Object.assign(result, {
      ours_slots_workers_cpu_ms: oursCommand.cpuMsPerTrial.workers,
      ours_slots_programs_cpu_ms: oursCommand.cpuMsPerTrial.workerChildren,
    });
  }
  if (optunaCommand) {
    Object.assign(result, {
      optuna_command_s: optunaCommand.seconds,
      optuna_command_overhead_pct: overhead(optunaCommand),
      ratio_slots: oursCommand.seconds / optunaCommand.seconds,
    });
  }
  return met;
}

async function main(): Promise<void> {
  const peer = options.optuna ? findOptuna() : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  console.log(
    `command: ${options.workers} workers × ${options.slots / options.workers} threads on loopback, ${options.sampler} sampler; ` +
      `Optuna${peer?.available ? ` ${peer.version} (${options.optunaStorage} storage)` : ''} with n_jobs=${options.slots}`,
  );
  console.log(`${describeMachine()}; Node flags: ${process.execArgv.join(' ') || 'none'}`);
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-command-'));
  const script = join(directory, 'report-once.sh');
  writeFileSync(script, PROGRAM);
  chmodSync(script, 0o644);
  const result: Record<string, number | string> = { slots: options.slots, workers: options.workers, sampler: options.sampler };
  const loadAtStart = loadAverage();
  console.log(`machine at start: ${describeLoad()}`);
  let met: boolean | undefined;
  try {
    if (options.parts.includes('per-run')) await perRunPart(peer, script, directory, result);
    if (options.parts.includes('slots')) met = await slotsPart(peer, script, directory, result);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  console.log(`machine at end: ${describeLoad()}`);
  Object.assign(result, { load_start: loadAtStart, load_end: loadAverage() });
  if (!peer?.available) result.optuna = 'skipped';
  if (met !== undefined) result.target = met ? 'met' : 'missed';
  printResultLine(result);
}

await main();
