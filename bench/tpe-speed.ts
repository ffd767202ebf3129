/**
 * bench:tpe-speed: milliseconds per suggestion of our sampler and of Optuna's TPESampler after
 * 100, 1,000 and 5,000 finished trials on a 10-parameter mixed space with a conditional pair.
 * Both sides get the same history (generated here, sent to Python as JSON); the history does
 * not grow while timing, so every timed suggestion costs the same on a given side.
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { Command, Option } from 'commander';
import type { TrialSnapshot } from '../src/samplers/sampler.js';
import { TPE_DEFAULTS } from '../src/samplers/sampler-spec.js';
import { TpeSampler } from '../src/samplers/tpe/tpe-sampler.js';
import type { ParamValues } from '../src/space/param-spec.js';
import { SearchSpace } from '../src/space/search-space.js';
import { printTable, significant } from './bench-table.js';
import { MIXED_SPACE, mixedObjective, randomHistory } from './mixed-space.js';
import { findOptuna, runPython, type OptunaPeer } from './optuna-peer.js';
import { nonNegativeInteger } from '../cli/option-parsers.js';
import { positiveIntegers, seed } from './option-parsers.js';
import { median } from './quantiles.js';
import { describeLoad, describeMachine } from './machine-load.js';
import { printResultLine } from './result-line.js';
import { benchSampler, parseSamplerName, type SamplerName } from './sampler-choice.js';

/** The issue's target: at 1,000 trials ours at least this many times faster than Optuna's TPE. */
const TARGET_RATIO_AT_1000 = 20;
/** Untimed suggestions first: V8's JIT on our side, Python's caches on Optuna's. */
const WARMUP = 5;
/** The multivariate Optuna column is dropped at a size once its timed suggestions take longer than this. */
const MULTIVARIATE_BUDGET_SECONDS = 60;

interface Options {
  sampler: SamplerName;
  trials: number[];
  seed: number;
  optuna: boolean;
  multivariate: boolean;
  study: number;
}

const options = new Command()
  .name('tpe-speed')
  .description('Milliseconds per suggestion, ours vs Optuna TPE, after N finished trials')
  .addOption(new Option('--sampler <name>', 'our sampler: tpe, tpe-multivariate or random').default('tpe').argParser(parseSamplerName))
  .addOption(
    new Option('--trials <list>', 'history sizes').default([100, 1000, 5000, 10000], '100,1000,5000,10000').argParser(positiveIntegers),
  )
  .addOption(new Option('--seed <n>', 'seed of the history and of both samplers').default(1).argParser(seed))
  .option('--no-optuna', 'time ours only')
  .option('--no-multivariate', "skip Optuna's multivariate TPE column")
  .addOption(
    new Option('--study <n>', 'trials of a study run with kept densities and with the exact path, to compare their suggestions (0: skip)')
      .default(2000)
      .argParser(nonNegativeInteger),
  )
  .parse()
  .opts<Options>();

/** Fewer timed suggestions on big histories, where each one takes long on Optuna's side. */
const timedCount = (trials: number): number => (trials > 1000 ? 20 : 50);

interface Timing {
  /** Median over the timed suggestions: each costs the same work, so the spread is noise (GC, other processes). */
  readonly medianMs: number;
  readonly coldMs: number;
  readonly count: number;
}

function timeOurs(history: readonly TrialSnapshot[]): Timing {
  const space = SearchSpace.fromDefinition(MIXED_SPACE);
  // A fresh sampler per size: a study keeps one sampler, which may cache what it learnt of
  // earlier trials; the first suggestion (cold) pays for learning all of them at once.
  const sampler = benchSampler(options.sampler, options.seed);
  const suggestOnce = (k: number): number => {
    const start = performance.now();
    const params = sampler.suggest({ space, direction: 'minimize', trialNumber: history.length + k, trials: history });
    const elapsed = performance.now() - start;
    if (!params) throw new Error(`our ${options.sampler} sampler returned no suggestion`);
    return elapsed;
  };
  const coldMs = suggestOnce(0);
  for (let k = 1; k < WARMUP; k++) suggestOnce(k);
  const count = timedCount(history.length);
  const times = Array.from({ length: count }, (_, k) => suggestOnce(WARMUP + k));
  return { medianMs: median(times), coldMs, count };
}

/**
 * Suggestions as a study makes them: each one joins the history as a RUNNING trial before the
 * next (the constant liar counts it), so every suggestion sees one trial more than the last and
 * nothing learnt for the previous history is reused as is.
 */
function timeGrowing(history: readonly TrialSnapshot[]): number {
  const space = SearchSpace.fromDefinition(MIXED_SPACE);
  const sampler = benchSampler(options.sampler, options.seed);
  const trials = [...history];
  const times: number[] = [];
  const count = WARMUP + timedCount(history.length);
  for (let k = 0; k < count; k++) {
    const start = performance.now();
    const params = sampler.suggest({ space, direction: 'minimize', trialNumber: trials.length, trials });
    const elapsed = performance.now() - start;
    if (!params) throw new Error(`our ${options.sampler} sampler returned no suggestion`);
    if (k >= WARMUP) times.push(elapsed);
    trials.push({ number: trials.length, state: 'RUNNING', params });
  }
  return median(times);
}

/**
 * The suggestion right after a change mid-history, against those around it: ten times, an old
 * trial (a tenth of the way in and on) gets a new best value, so it joins the good trials and
 * pushes one out, and every later trial's place in trial order moves (the kept columns and
 * densities are computed again). Growing history, as timeGrowing.
 */
function timeMidHistory(history: readonly TrialSnapshot[]): { aroundMs: number; afterMs: number } {
  const space = SearchSpace.fromDefinition(MIXED_SPACE);
  const sampler = benchSampler(options.sampler, options.seed);
  const trials = [...history];
  const ask = (): number => {
    const start = performance.now();
    const params = sampler.suggest({ space, direction: 'minimize', trialNumber: trials.length, trials });
    const elapsed = performance.now() - start;
    if (!params) throw new Error(`our ${options.sampler} sampler returned no suggestion`);
    trials.push({ number: trials.length, state: 'RUNNING', params });
    return elapsed;
  };
  for (let k = 0; k < WARMUP; k++) ask();
  const around: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (let k = 0; k < 5; k++) around.push(ask());
    const old = trials[Math.floor(((round + 1) * history.length) / 12)] as TrialSnapshot;
    trials[old.number] = { ...old, value: -1 - round };
    after.push(ask());
  }
  return { aroundMs: median(around), afterMs: median(after) };
}

/** In flight at once in the study check: a trial reports this many suggestions after its own. */
const IN_FLIGHT = 4;

/**
 * A study of `trials` suggestions on the mixed space by our TPE, each trial reporting
 * IN_FLIGHT suggestions after its own (the constant liar sees the rest running): its
 * suggestions and the milliseconds they took in all.
 */
function study(trials: number, keptDensities: boolean): { params: ParamValues[]; ms: number; best: number } {
  const space = SearchSpace.fromDefinition(MIXED_SPACE);
  const sampler = new TpeSampler({ type: 'tpe', seed: options.seed, ...TPE_DEFAULTS }, { keptDensities });
  const history: TrialSnapshot[] = [];
  let ms = 0;
  for (let number = 0; number < trials; number++) {
    const start = performance.now();
    const params = sampler.suggest({ space, direction: 'minimize', trialNumber: number, trials: history });
    ms += performance.now() - start;
    history.push({ number, state: 'RUNNING', params });
    const done = history[number - IN_FLIGHT];
    if (done) history[done.number] = { ...done, state: 'COMPLETE', value: mixedObjective(done.params) };
  }
  const values = history.flatMap((trial) => (trial.value === undefined ? [] : [trial.value]));
  return { params: history.map((trial) => trial.params), ms, best: Math.min(...values) };
}

/**
 * The kept densities (BoxedDensity and the closed-form categorical sums, from 512 trials
 * above the split on) against the exact path in one study: how many suggestions differ.
 */
function compareStudies(trials: number, result: Record<string, number | string>): void {
  console.error(`study of ${trials} trials: kept densities, then the exact path ...`);
  const kept = study(trials, true);
  const exact = study(trials, false);
  const differing = kept.params.filter((params, k) => !isDeepStrictEqual(params, exact.params[k])).length;
  console.log(
    `study of ${trials} trials (${IN_FLIGHT} in flight): ${differing} suggestions differ between the kept densities and the exact path; ` +
      `${significant(kept.ms / 1000)} s against ${significant(exact.ms / 1000)} s of suggesting; best ${significant(kept.best)} and ${significant(exact.best)}`,
  );
  Object.assign(result, { study_trials: trials, study_differing: differing, study_kept_s: kept.ms / 1000, study_exact_s: exact.ms / 1000 });
}

async function timeOptuna(
  peer: OptunaPeer & { available: true },
  history: readonly TrialSnapshot[],
  variant: 'default' | 'multivariate',
): Promise<Timing> {
  const [answer] = (await runPython(peer, 'tpe_speed.py', {
    definition: MIXED_SPACE,
    order: SearchSpace.fromDefinition(MIXED_SPACE).order,
    history: history.map(({ params, value }) => ({ params, value })),
    variant,
    seed: options.seed,
    warmup: WARMUP,
    count: timedCount(history.length),
    budget_seconds: variant === 'multivariate' ? MULTIVARIATE_BUDGET_SECONDS : 1e9,
  })) as [{ times_ms: number[]; cold_ms: number }];
  return { medianMs: median(answer.times_ms), coldMs: answer.cold_ms, count: answer.times_ms.length };
}

async function main(): Promise<void> {
  const peer = options.optuna ? findOptuna() : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  console.log(describeMachine());
  console.log(
    `tpe-speed: ours = ${options.sampler}; optuna = ${peer?.available ? `Optuna ${peer.version} TPESampler` : 'skipped'}; seed ${options.seed}; median ms per suggestion, after ${WARMUP} untimed`,
  );

  const history = randomHistory(Math.max(...options.trials), options.seed);
  // Untimed: let V8 compile our sampler's hot paths first, as it has in any study past its first
  // few suggestions; otherwise the first size timed would measure the JIT compiler too.
  timeOurs(history.slice(0, Math.min(1000, history.length)));
  const rows: (string | number)[][] = [];
  const result: Record<string, number | string> = { sampler: options.sampler };
  for (const trials of options.trials) {
    const slice = history.slice(0, trials);
    // One side at a time, never overlapping, so neither steals the other's core.
    console.error(`timing ${trials} trials: ours ...`);
    const ours = timeOurs(slice);
    const growing = timeGrowing(slice);
    result[`ours_ms_${trials}`] = ours.medianMs;
    result[`ours_growing_ms_${trials}`] = growing;
    const row: (string | number)[] = [trials, ours.count, ours.medianMs, growing, ours.coldMs];
    if (peer?.available) {
      console.error(`timing ${trials} trials: optuna ...`);
      const optuna = await timeOptuna(peer, slice, 'default');
      result[`optuna_ms_${trials}`] = optuna.medianMs;
      result[`ratio_${trials}`] = optuna.medianMs / ours.medianMs;
      row.push(optuna.count, optuna.medianMs, optuna.medianMs / ours.medianMs);
      if (options.multivariate) {
        console.error(`timing ${trials} trials: optuna multivariate ...`);
        const multivariate = await timeOptuna(peer, slice, 'multivariate');
        result[`optuna_mv_ms_${trials}`] = multivariate.medianMs;
        result[`ratio_mv_${trials}`] = multivariate.medianMs / ours.medianMs;
        row.push(multivariate.count, multivariate.medianMs, multivariate.medianMs / ours.medianMs);
      }
    }
    rows.push(row);
  }

  const head = ['trials', 'ours timed', `ours ms (${options.sampler})`, 'ours growing ms', 'ours cold ms'];
  if (peer?.available) {
    head.push('optuna timed', 'optuna ms', 'ratio (optuna/ours)');
    if (options.multivariate) head.push('optuna mv timed', 'optuna mv ms', 'ratio (mv/ours)');
  }
  printTable(head, rows);
  if (peer?.available && options.multivariate)
    console.log('optuna mv = TPESampler(multivariate=True, group=True, constant_liar=True), what our tpe-multivariate does');
  const ratio1000 = result.ratio_1000;
  if (typeof ratio1000 === 'number') {
    console.log(
      `target at 1,000 trials: ours >= ${TARGET_RATIO_AT_1000}x faster than Optuna's TPE: ${ratio1000 >= TARGET_RATIO_AT_1000 ? 'met' : 'NOT met'} (${significant(ratio1000)}x)`,
    );
  }
  console.log('ours growing = each suggestion joins the history as a running trial before the next, as in a study');
  const largest = Math.max(...options.trials);
  const mid = timeMidHistory(history.slice(0, largest));
  console.log(
    `after a change mid-history at ${largest} trials (an old trial becomes the best): ${significant(mid.afterMs)} ms, against ${significant(mid.aroundMs)} ms for the suggestions around it (medians of 10 and 50)`,
  );
  Object.assign(result, { [`mid_history_ms_${largest}`]: mid.afterMs, [`around_ms_${largest}`]: mid.aroundMs });
  if (options.study > 0 && options.sampler === 'tpe') compareStudies(options.study, result);
  console.log(`machine at end: ${describeLoad()}`);
  if (!peer?.available) result.optuna = 'skipped';
  printResultLine(result);
}

await main();
