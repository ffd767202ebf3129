/**
 * bench:importance: how long parameterImportance (PED-ANOVA) takes on 1,000 and 10,000
 * finished trials, the sizes a dashboard refresh must handle, and how its ranking compares
 * with Optuna's default importance (fANOVA, a random forest) on the same trials.
 *
 * Trials: the 10-parameter mixed space of the speed benchmarks (bench/mixed-space.ts, with a
 * conditional pair), drawn by our seeded random sampler, valued by its made-up loss, whose
 * shape says which parameters matter (learning rate most, then weight decay and width; beta1,
 * beta2 only under adam). Optuna's fANOVA needs scikit-learn (Debian's python3-sklearn).
 */
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { parameterImportance, type ImportanceInput } from '../src/importance/parameter-importance.js';
import { printTable, significant } from './bench-table.js';
import { MIXED_SPACE, randomHistory } from './mixed-space.js';
import { findOptuna, findPythonPackage, runPython, type PythonPackage } from './optuna-peer.js';
import { positiveInteger } from '../cli/option-parsers.js';
import { positiveIntegers, seed } from './option-parsers.js';
import { median } from './quantiles.js';
import { printResultLine } from './result-line.js';

/** What a dashboard refresh can spend on importance at 10,000 trials. */
const BUDGET_MS_AT_10000 = 100;
const WARMUP = 3;

interface Options {
  trials: number[];
  compare: number;
  repeats: number;
  seed: number;
  optuna: boolean;
}

const options = new Command()
  .name('importance')
  .description('Milliseconds per parameterImportance call, and its ranking against Optuna fANOVA')
  .addOption(new Option('--trials <list>', 'study sizes to time').default([1000, 10000], '1000,10000').argParser(positiveIntegers))
  .addOption(new Option('--compare <n>', 'study size on which the rankings are compared').default(1000).argParser(positiveInteger))
  .addOption(new Option('--repeats <n>', 'timed calls per size (the median is shown)').default(21).argParser(positiveInteger))
  .addOption(new Option('--seed <n>', 'seed of the trials and of the forest').default(1).argParser(seed))
  .option('--no-optuna', 'skip the comparison with Optuna')
  .parse()
  .opts<Options>();

const SKLEARN: PythonPackage = {
  module: 'sklearn',
  debian: 'python3-sklearn',
  missing: "scikit-learn not available (Optuna's fANOVA needs it): install Debian's python3-sklearn",
  columns: 'fANOVA',
};

function studyOf(count: number): ImportanceInput {
  const trials = randomHistory(count, options.seed).map(({ params, value }) => ({ params, value: value as number }));
  return { space: MIXED_SPACE, direction: 'minimize', trials };
}

function timeOurs(input: ImportanceInput): { medianMs: number; maxMs: number } {
  for (let i = 0; i < WARMUP; i++) parameterImportance(input);
  const times = Array.from({ length: options.repeats }, () => {
    const start = performance.now();
    parameterImportance(input);
    return performance.now() - start;
  });
  return { medianMs: median(times), maxMs: Math.max(...times) };
}

async function optunaImportances(
  input: ImportanceInput,
): Promise<{ importances: Record<string, number>; seconds: number; evaluator: string } | string> {
  const optuna = findOptuna();
  if (!optuna.available) return optuna.reason;
  const sklearn = findPythonPackage(SKLEARN);
  if (!sklearn.available) return sklearn.reason;
  const [answer] = (await runPython(optuna, 'importance.py', { definition: MIXED_SPACE, history: input.trials, seed: options.seed })) as [
    { importances: Record<string, number>; seconds: number; evaluator: string },
  ];
  return answer;
}

async function main(): Promise<void> {
  const result: Record<string, number | string> = {};
  const timingRows = options.trials.map((count) => {
    const timing = timeOurs(studyOf(count));
    result[`ours_ms_${count}`] = timing.medianMs;
    return [count, options.repeats, timing.medianMs, timing.maxMs];
  });
  console.log(
    `importance: parameterImportance (PED-ANOVA) on the mixed space (10 parameters), seed ${options.seed}; ms per call after ${WARMUP} untimed`,
  );
  printTable(['trials', 'timed', 'median ms', 'max ms'], timingRows);
  const at10000 = result.ours_ms_10000;
  if (typeof at10000 === 'number') {
    console.log(
      `target at 10,000 trials: <= ${BUDGET_MS_AT_10000} ms (a dashboard refresh): ${at10000 <= BUDGET_MS_AT_10000 ? 'met' : 'NOT met'} (${significant(at10000)} ms)`,
    );
  }

  const input = studyOf(options.compare);
  const ours = parameterImportance(input);
  const peer = options.optuna ? await optunaImportances(input) : 'Optuna comparison skipped (--no-optuna)';
  if (typeof peer === 'string') console.log(peer);
  const rankOf = (importances: Record<string, number>): Map<string, number> =>
    new Map(Object.keys(importances).map((name, i) => [name, i + 1]));
  const ourRank = rankOf(ours);
  const theirRank = typeof peer === 'string' ? undefined : rankOf(peer.importances);
  const rows = Object.keys(ours).map((name) => {
    const row: (string | number)[] = [name, ourRank.get(name) as number, ours[name] as number];
    if (typeof peer !== 'string') {
      const share = peer.importances[name];
      row.push(theirRank?.get(name) ?? '-', share === undefined ? '- (conditional)' : share);
    }
    return row;
  });
  console.log(
    `rankings on ${options.compare} trials${typeof peer === 'string' ? '' : `; ${peer.evaluator} took ${significant(peer.seconds)} s`}`,
  );
  printTable(['parameter', 'ours rank', 'ours share', ...(typeof peer === 'string' ? [] : ['fanova rank', 'fanova share'])], rows);
  if (typeof peer === 'string') result.optuna = 'skipped';
  else {
    result.fanova_s = peer.seconds;
    result.spearman = spearman(ours, peer.importances);
  }
  printResultLine(result);
}

/** Spearman's rank correlation over the parameters both rank (fANOVA leaves out conditional ones). */
function spearman(a: Record<string, number>, b: Record<string, number>): number {
  const shared = Object.keys(a).filter((name) => name in b);
  const ranks = (values: Record<string, number>): Map<string, number> =>
    new Map(
      shared
        .slice()
        .sort((x, y) => (values[y] as number) - (values[x] as number))
        .map((name, i) => [name, i]),
    );
  const ra = ranks(a);
  const rb = ranks(b);
  const n = shared.length;
  const d2 = shared.reduce((sum, name) => sum + ((ra.get(name) as number) - (rb.get(name) as number)) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

await main();
