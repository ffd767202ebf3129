/**
 * Parameter importance by PED-ANOVA (Watanabe, Bansal and Hutter, IJCAI 2023, "PED-ANOVA:
 * Efficiently Quantifying Hyperparameter Importance in Arbitrary Subspaces"), the evaluator
 * Optuna >= 3.6 offers as PedAnovaImportanceEvaluator and Optuna Dashboard uses.
 *
 * Why PED-ANOVA rather than fANOVA (Optuna's default): it is a closed form on histograms, so
 * it costs O(n log n + d * 50²) for n trials and d parameters, milliseconds at 10,000 trials,
 * where fANOVA trains a 64-tree random forest and marginalises it (Optuna's docs: over a
 * minute at 1,000+ trials); the report and the live dashboard recompute it on every refresh.
 * It needs no randomness, so it is deterministic without a seed, and it handles categorical,
 * log-scale and conditional parameters one parameter at a time.
 *
 * The method. Trials are ranked by loss (the value, negated when maximising). The top set is
 * the trials whose loss is at most that of the ceil(γ' n)-th best (at least the 2nd best; ties
 * included), γ' = `quantile` = 0.1 by default; the region is every trial (γ = 1). For each
 * parameter d, its values are put on a grid (see importanceGrid) and two Parzen estimators are
 * fitted (see gridProbabilities): p' on the top trials, p on all. Importance is the Pearson
 * divergence of p' from p over the grid points x,
 *   D_d = Σ_x p(x) (p'(x) / p(x) - 1)²   (with 1e-12 added to each probability),
 * which the paper shows is, up to the factor (γ'/γ)², the variance that the marginal of the
 * indicator "trial is in the top set" has along x_d. Importances are normalised to sum to 1.
 *
 * Conditional parameters. Optuna drops a parameter absent from some trials; we keep it, with
 * the same variance reading restricted to the trials where it is active (A, n_A of them, t_A in
 * the top set): P(active) Var(P(top | x_d, active)) = (n_A / n) (t_A / n_A)² D_d over A. For an
 * unconditional parameter that is (t / n)² D_d, the common factor of the others, so both are
 * on one scale: a conditional parameter weighs by how often it exists and how many of the best
 * trials have it, and what its parent's choice explains stays with the parent.
 *
 * A parameter that takes fewer than two distinct values among its trials gets 0. When every
 * divergence is 0 (every trial in the top set, e.g. a constant objective), the parameters that
 * vary share equally, as in Optuna.
 *
 * Differences from Optuna: categoricals by frequencies (see gridProbabilities), conditional
 * parameters kept, ties in the value all in the top set, ceil(γ' n) rather than numpy's quantile.
 * Reading the result: an irrelevant parameter's divergence is sampling noise of the order of
 * (grid resolution) / (top trials), so with few top trials (below 5 or so, i.e. 50 trials at
 * γ' = 0.1) small shares mean little; hence the default `minTrials` of 20.
 */
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ParamSpec, ParamValues, SearchSpaceDefinition } from '../space/param-spec.js';
import { lossSign, type Direction } from '../core/direction.js';
import { gridProbabilities } from './grid-parzen-estimator.js';
import { importanceGrid } from './importance-grid.js';

export interface ImportanceInput {
  readonly space: SearchSpaceDefinition;
  readonly direction: Direction;
  /** Finished trials with a finite value: their parameters (conditional ones may be absent) and value. */
  readonly trials: readonly { readonly params: ParamValues; readonly value: number }[];
}

/** γ': importance is that of reaching the best 10% of the trials. */
export const DEFAULT_IMPORTANCE_QUANTILE = 0.1;
/** Below this many trials the top set (2 trials at γ' = 0.1) says too little to rank parameters. */
export const DEFAULT_IMPORTANCE_MIN_TRIALS = 20;
/** The top set has at least this many trials, however small γ' n is (Optuna's min_n_top_trials). */
const MIN_TOP_TRIALS = 2;
/** Added to each grid probability so that the ratio stays finite (as in Optuna). */
const EPS = 1e-12;

/**
 * Importance per parameter, normalised to sum to 1, ordered most important first; {} when fewer than `minTrials`.
 *
 * Every parameter of the space has an entry (ties keep the space's order; a name that is an
 * array index, like "0", would be listed first by JavaScript itself). Trials whose value is
 * not finite are left out and do not count towards `minTrials`. Deterministic: the result does
 * not depend on the order of the trials.
 */
export function parameterImportance(
  input: ImportanceInput,
  options?: { readonly quantile?: number; readonly minTrials?: number },
): Record<string, number> {
  const quantile = options?.quantile ?? DEFAULT_IMPORTANCE_QUANTILE;
  const minTrials = options?.minTrials ?? DEFAULT_IMPORTANCE_MIN_TRIALS;
  if (typeof quantile !== 'number' || !(quantile > 0 && quantile <= 1)) {
    throw new InvalidArgumentError(`options.quantile must be a number in (0, 1], but got ${String(quantile)}.`);
  }
  if (!Number.isInteger(minTrials) || minTrials < 1) {
    throw new InvalidArgumentError(`options.minTrials must be a positive integer, but got ${String(minTrials)}.`);
  }
  const trials = input.trials.filter((trial) => Number.isFinite(trial.value));
  if (trials.length < minTrials || trials.length === 0) return {};

  const inTop = topTrials(
    trials.map((trial) => lossSign(input.direction) * trial.value),
    quantile,
  );
  const names = Object.keys(input.space);
  const raw = new Map<string, number>();
  const varying = new Set<string>();
  for (const name of names) {
    const score = divergenceScore(input.space, name, trials, inTop);
    if (score === undefined) continue;
    varying.add(name);
    raw.set(name, score);
  }
  let sum = 0;
  for (const score of raw.values()) sum += score;
  const importance = (name: string): number => {
    if (!varying.has(name)) return 0;
    return sum > 0 ? (raw.get(name) as number) / sum : 1 / varying.size;
  };
  const ranked = names.map((name, order) => ({ name, order, value: importance(name) }));
  ranked.sort((a, b) => b.value - a.value || a.order - b.order);
  return Object.fromEntries(ranked.map(({ name, value }) => [name, value]));
}

/**
 * Which trials are in the top set: loss at most the k-th smallest, k = max(2, ceil(γ' n))
 * capped at n. Ties are all in, so the set does not depend on the trials' order.
 */
function topTrials(losses: readonly number[], quantile: number): Uint8Array {
  const n = losses.length;
  // γ' n rounded to 12 digits first: 0.1 * 30 is 3.0000000000000004 in floating point, not 3.
  const wanted = Math.ceil(Number((quantile * n).toPrecision(12)));
  const k = Math.min(n, Math.max(MIN_TOP_TRIALS, wanted));
  const sorted = Float64Array.from(losses).sort();
  const cutoff = sorted[k - 1] as number;
  return Uint8Array.from(losses, (loss) => (loss <= cutoff ? 1 : 0));
}

/**
 * (t_A² / (n n_A)) D over the trials where the parameter is active (see the module comment);
 * undefined when it takes fewer than two distinct values there, so it gets 0.
 */
function divergenceScore(
  space: SearchSpaceDefinition,
  name: string,
  trials: readonly { readonly params: ParamValues }[],
  inTop: Uint8Array,
): number | undefined {
  const grid = importanceGrid(space[name] as ParamSpec);
  const all = new Float64Array(grid.size);
  const top = new Float64Array(grid.size);
  let active = 0;
  let activeInTop = 0;
  let first: unknown;
  let varies = false;
  trials.forEach((trial, i) => {
    const value = trial.params[name];
    if (value === undefined) return;
    const bin = grid.binOf(value);
    if (bin === undefined) return;
    if (active === 0) first = value;
    else if (value !== first) varies = true;
    active++;
    all[bin] = (all[bin] as number) + 1;
    if (inTop[i] === 1) {
      activeInTop++;
      top[bin] = (top[bin] as number) + 1;
    }
  });
  if (!varies) return undefined;
  if (activeInTop === 0) return 0;
  const p = gridProbabilities(grid.kind, all);
  const pTop = gridProbabilities(grid.kind, top);
  let divergence = 0;
  for (let x = 0; x < grid.size; x++) {
    const q = (p[x] as number) + EPS;
    const ratio = ((pTop[x] as number) + EPS) / q;
    divergence += q * (ratio - 1) ** 2;
  }
  return ((activeInTop * activeInTop) / (trials.length * active)) * divergence;
}
