/**
 * bench:tpe-quality: the best value found after 50, 100 and 200 trials, median over 20 seeds,
 * by our samplers and by Optuna's TPE, on four minimisation problems (bench/test-functions.ts).
 * Both sides run sequential ask/tell in memory (one trial at a time, no store), so what is
 * compared is the search alone.
 */
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Command, Option } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';
import type { TrialSnapshot } from '../src/samplers/sampler.js';
import { SearchSpace } from '../src/space/search-space.js';
import { printTable, significant } from './bench-table.js';
import { checkTestFunctions } from './function-self-check.js';
import { mannWhitneyGreater } from './mann-whitney.js';
import { findOptuna, runPython, type OptunaPeer } from './optuna-peer.js';
import { namesFrom, positiveIntegers } from './option-parsers.js';
import { median, quantile } from './quantiles.js';
import { printResultLine } from './result-line.js';
import { benchSampler, parseSamplerNames, type SamplerName } from './sampler-choice.js';
import { TEST_FUNCTIONS, type TestFunction } from './test-functions.js';

/** Significance level of the one-sided test behind each verdict. */
const ALPHA = 0.05;
/** Optuna runs per Python process: enough to amortise importing Optuna, few enough to balance the processes. */
const BATCH = 5;

interface Options {
  samplers: SamplerName[];
  functions: string[];
  trials: number[];
  seeds: number;
  processes: number;
  optuna: boolean;
  multivariate: boolean;
}

const options = new Command()
  .name('tpe-quality')
  .description('Best value found after N trials, median over seeds: ours vs Optuna TPE vs random')
  .addOption(
    new Option('--samplers <list>', 'our samplers: tpe, tpe-multivariate, random')
      .default(['tpe', 'tpe-multivariate', 'random'], 'tpe,tpe-multivariate,random')
      .argParser(parseSamplerNames),
  )
  .addOption(
    new Option('--functions <list>', 'test functions')
      .default(
        TEST_FUNCTIONS.map((fn) => fn.name),
        TEST_FUNCTIONS.map((fn) => fn.name).join(','),
      )
      .argParser(namesFrom(TEST_FUNCTIONS.map((fn) => fn.name))),
  )
  .addOption(
    new Option('--trials <list>', 'checkpoints; the last is the length of each run')
      .default([50, 100, 200], '50,100,200')
      .argParser(positiveIntegers),
  )
  .addOption(new Option('--seeds <n>', 'seeds per function and sampler (1..n)').default(20).argParser(positiveInteger))
  .addOption(
    new Option('--processes <n>', 'processes at once: this one plus Python ones')
      .default(Math.min(2, availableParallelism()), 'min(2, cores)')
      .argParser(positiveInteger),
  )
  .option('--no-optuna', 'run ours only')
  .option('--no-multivariate', "skip Optuna's multivariate TPE column")
  .parse()
  .opts<Options>();

const checkpoints = [...options.trials].sort((a, b) => a - b);
const runLength = checkpoints.at(-1) as number;
const functions = TEST_FUNCTIONS.filter((fn) => options.functions.includes(fn.name));
const seeds = Array.from({ length: options.seeds }, (_, i) => i + 1);

/** Best values at each checkpoint, per seed: results.get(function).get(column)[seed index]. */
type Results = Map<string, Map<string, number[][]>>;
const results: Results = new Map(functions.map((fn) => [fn.name, new Map<string, number[][]>()]));
const record = (fn: string, column: string, best: number[]): void => {
  const byColumn = results.get(fn) as Map<string, number[][]>;
  byColumn.set(column, [...(byColumn.get(column) ?? []), best]);
};

/** Table and result-line names of each column. */
const OURS_COLUMN: Record<SamplerName, { title: string; key: string }> = {
  tpe: { title: 'ours tpe', key: 'ours' },
  'tpe-multivariate': { title: 'ours tpe mv', key: 'ours_mv' },
  random: { title: 'ours random', key: 'random' },
};
const OPTUNA_COLUMN = {
  default: { title: 'optuna tpe', key: 'optuna' },
  multivariate: { title: 'optuna tpe mv', key: 'optuna_mv' },
} as const;
type OptunaVariant = keyof typeof OPTUNA_COLUMN;

/** One of our runs: the loop a user writes with ask/tell, on an in-memory history. */
function runOurs(fn: TestFunction, name: SamplerName, seed: number): number[] {
  const space = SearchSpace.fromDefinition(fn.space);
  const sampler = benchSampler(name, seed);
  const history: TrialSnapshot[] = [];
  const bests: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let number = 0; number < runLength; number++) {
    const params = sampler.suggest({ space, direction: 'minimize', trialNumber: number, trials: history });
    if (!params) throw new Error(`our ${name} sampler returned no suggestion at trial ${number}`);
    const value = fn.evaluate(params);
    history.push({ number, state: 'COMPLETE', params, value });
    best = Math.min(best, value);
    if (checkpoints.includes(number + 1)) bests.push(best);
  }
  return bests;
}

interface OptunaJob {
  readonly function: string;
  readonly seed: number;
  readonly variant: OptunaVariant;
}

/**
 * Runs every job with at most `options.processes` processes busy: this one runs our searches
 * (yielding between runs so finished Python batches are replaced promptly) and then joins the
 * others in handing out Optuna batches.
 */
async function runAll(peer: OptunaPeer | undefined): Promise<void> {
  const ours = functions.flatMap((fn) => options.samplers.flatMap((name) => seeds.map((seed) => ({ fn, name, seed }))));
  const variants: OptunaVariant[] = options.multivariate ? ['default', 'multivariate'] : ['default'];
  const optunaJobs: OptunaJob[] = peer?.available
    ? functions.flatMap((fn) => variants.flatMap((variant) => seeds.map((seed) => ({ function: fn.name, seed, variant }))))
    : [];
  const total = { ours: ours.length, optuna: optunaJobs.length };
  const done = { ours: 0, optuna: 0 };
  const progress = (): void => console.error(`runs finished: ours ${done.ours}/${total.ours}, optuna ${done.optuna}/${total.optuna}`);
  const spaces = Object.fromEntries(
    functions.map((fn) => [fn.name, { definition: fn.space, order: SearchSpace.fromDefinition(fn.space).order }]),
  );

  const slot = async (runsOurs: boolean): Promise<void> => {
    for (;;) {
      const mine = runsOurs ? ours.shift() : undefined;
      if (mine) {
        record(mine.fn.name, OURS_COLUMN[mine.name].title, runOurs(mine.fn, mine.name, mine.seed));
        done.ours++;
        if (done.ours % 20 === 0) progress();
        await yieldToEventLoop();
        continue;
      }
      const jobs = optunaJobs.splice(0, BATCH);
      if (jobs.length === 0 || !peer?.available) return;
      await runPython(peer, 'tpe_quality.py', { functions: spaces, jobs, trials: runLength, checkpoints }, (answer) => {
        const { function: fn, variant, best } = answer as OptunaJob & { best: number[] };
        record(fn, OPTUNA_COLUMN[variant].title, best);
        done.optuna++;
      });
      progress();
    }
  };
  const others = Array.from({ length: Math.max(0, options.processes - 1) }, () => slot(false));
  await Promise.all([slot(true), ...others]);
}

/**
 * Which comparisons get a verdict: each of our TPE samplers against Optuna's default TPESampler
 * (the bar the issue sets), and our multivariate TPE also against Optuna's multivariate one
 * (like for like). With no TPE of ours in the run, the first sampler named is judged.
 */
function verdictPairs(): { ours: { title: string; key: string }; optuna: { title: string; key: string }; why: string }[] {
  const tpes = options.samplers.filter((name) => name !== 'random');
  const judged = tpes.length > 0 ? tpes : options.samplers.slice(0, 1);
  return judged.flatMap((name) => [
    { ours: OURS_COLUMN[name], optuna: OPTUNA_COLUMN.default, why: " (Optuna's default TPESampler)" },
    ...(name === 'tpe-multivariate' && options.multivariate
      ? [{ ours: OURS_COLUMN[name], optuna: OPTUNA_COLUMN.multivariate, why: ' (both multivariate: like for like)' }]
      : []),
  ]);
}

const cell = (values: readonly number[]): string =>
  `${significant(median(values), 4)} [${significant(quantile(values, 0.25), 3)}, ${significant(quantile(values, 0.75), 3)}]`;

async function main(): Promise<void> {
  const peer = options.optuna ? findOptuna() : undefined;
  if (peer && !peer.available) console.log(peer.reason);
  console.log(await checkTestFunctions(functions, peer));
  console.log(
    `tpe-quality: ${seeds.length} seeds x ${functions.length} functions x ${runLength} trials; ours = ${options.samplers.join(', ')}; ` +
      `optuna = ${peer?.available ? `Optuna ${peer.version} TPESampler${options.multivariate ? ' (default, and multivariate)' : ''}` : 'skipped'}; ${options.processes} process(es)`,
  );
  const started = Date.now();
  await runAll(peer);
  console.error(`all runs took ${Math.round((Date.now() - started) / 1000)} s`);

  const columns = [
    ...options.samplers.map((name) => OURS_COLUMN[name]),
    ...(peer?.available ? [OPTUNA_COLUMN.default, ...(options.multivariate ? [OPTUNA_COLUMN.multivariate] : [])] : []),
  ];
  const rows: string[][] = [];
  const result: Record<string, number | string> = {};
  for (const fn of functions) {
    const byColumn = results.get(fn.name) as Map<string, number[][]>;
    checkpoints.forEach((trials, c) => {
      const row = [`${fn.name} (min ${fn.minimum})`, String(trials)];
      for (const column of columns) {
        const values = (byColumn.get(column.title) ?? []).map((bests) => bests[c] as number);
        row.push(cell(values));
        result[`${fn.name}_${column.key}_${trials}`] = median(values);
      }
      rows.push(row);
    });
  }
  console.log(`best value found, minimised; each cell: median [25th, 75th percentile] over ${seeds.length} seeds`);
  printTable(['function', 'trials', ...columns.map((column) => column.title)], rows);

  if (peer?.available) {
    console.log(
      `verdicts at ${runLength} trials: "no worse" when our median is lower or equal, or when a one-sided Mann-Whitney U test ` +
        `(normal approximation) cannot say ours is worse at p < ${ALPHA}; "WORSE" otherwise. That is an absence of evidence ` +
        `at ${seeds.length} seeds, not a proof of equivalence.${seeds.length < 8 ? ' (Too few seeds for the test to mean much.)' : ''}`,
    );
    for (const pair of verdictPairs()) {
      console.log(`${pair.ours.title} vs ${pair.optuna.title}${pair.why}:`);
      for (const fn of functions) {
        const byColumn = results.get(fn.name) as Map<string, number[][]>;
        const last = (title: string): number[] => (byColumn.get(title) ?? []).map((bests) => bests.at(-1) as number);
        const ours = last(pair.ours.title);
        const optuna = last(pair.optuna.title);
        const p = mannWhitneyGreater(ours, optuna);
        const verdict =
          median(ours) <= median(optuna) ? 'no worse (lower or equal median)' : p >= ALPHA ? 'no worse within noise' : 'WORSE';
        console.log(
          `  ${fn.name}: median ${significant(median(ours), 4)} vs ${significant(median(optuna), 4)}, p(ours worse) = ${significant(p, 2)}: ${verdict}`,
        );
        const key = `${fn.name}_${pair.ours.key}_vs_${pair.optuna.key}`;
        result[key] = verdict === 'WORSE' ? 'worse' : 'no_worse';
        result[`${key}_p`] = p;
      }
    }
  } else {
    result.optuna = 'skipped';
  }
  printResultLine(result);
}

await main();
