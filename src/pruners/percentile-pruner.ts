import { isAtLeastAsGood, isBetter, percentileFromLowest, type Direction } from '../core/direction.js';
import { checkInteger, checkRange } from './check-setting.js';
import { formatMetric } from './format-metric.js';
import { sortedPercentile } from './nan-percentile.js';
import { CompletedSteps } from './completed-steps.js';
import { KEEP, prune, type PruneContext, type PruneDecision, type Pruner } from './pruner.js';
import { PERCENTILE_DEFAULTS, type PercentileSettings } from './pruner-spec.js';

export interface PercentilePrunerOptions extends Partial<PercentileSettings> {
  /** 0..100: the best `percentile` percent of trials at each checked step are kept. */
  readonly percentile: number;
}

/**
 * Optuna's PercentilePruner: prunes a trial whose best value so far is worse than the given
 * percentile of the COMPLETE trials' values at the same step.
 */
export class PercentilePruner implements Pruner {
  readonly name: string = 'percentile';
  readonly readsCurves = false;
  readonly percentile: number;
  readonly settings: PercentileSettings;

  constructor(
    options: PercentilePrunerOptions,
    /** The metric's name, for reasons. */
    protected readonly metric = 'value',
  ) {
    const settings: PercentileSettings = {
      nStartupTrials: options.nStartupTrials ?? PERCENTILE_DEFAULTS.nStartupTrials,
      nWarmupSteps: options.nWarmupSteps ?? PERCENTILE_DEFAULTS.nWarmupSteps,
      intervalSteps: options.intervalSteps ?? PERCENTILE_DEFAULTS.intervalSteps,
      nMinTrials: options.nMinTrials ?? PERCENTILE_DEFAULTS.nMinTrials,
    };
    checkRange('percentile', options.percentile, 0, 100);
    checkInteger('n_startup_trials', settings.nStartupTrials, 0);
    checkInteger('n_warmup_steps', settings.nWarmupSteps, 0);
    checkInteger('interval_steps', settings.intervalSteps, 1);
    checkInteger('n_min_trials', settings.nMinTrials, 1);
    this.percentile = options.percentile;
    this.settings = settings;
  }

  decide({ direction, trial, step, trials, completed: kept }: PruneContext): PruneDecision {
    const { nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials } = this.settings;
    // The trial decided is RUNNING: never among the COMPLETE ones.
    const completed = kept ?? CompletedSteps.of(trials);
    if (completed.trials === 0 || completed.trials < nStartupTrials) return KEEP;
    if (step < nWarmupSteps) return KEEP;
    if (!isFirstReportInInterval(step, trial.values.keys(), nWarmupSteps, intervalSteps)) return KEEP;

    const best = bestSoFar([...trial.values.values()], direction);
    if (Number.isNaN(best)) return prune(`every ${this.metric} reported up to epoch ${step} is NaN`);

    if (completed.reportedAt(step) < nMinTrials) return KEEP;
    // For maximize the kept share lies above the cut, so the cut is the complementary percentile.
    const percentile = percentileFromLowest(this.percentile, direction);
    const atStep = completed.sortedAt(step);
    const cutoff = sortedPercentile(atStep, percentile);
    if (Number.isNaN(cutoff)) return KEEP;
    if (isAtLeastAsGood(best, cutoff, direction)) return KEEP;

    const counted = atStep.length;
    return prune(
      `best ${this.metric} up to epoch ${step} is ${formatMetric(best)}, worse than ` +
        `${this.describeCutoff(cutoff, percentile)} of ${counted} completed trial${counted === 1 ? '' : 's'} at epoch ${step}`,
    );
  }

  protected describeCutoff(cutoff: number, percentile: number): string {
    return `${formatMetric(cutoff)}, percentile ${formatMetric(percentile)}`;
  }
}

/** Optuna's nanmax/nanmin over a trial's values: NaN only when every value is NaN. */
function bestSoFar(values: readonly number[], direction: Direction): number {
  let best = Number.NaN;
  for (const value of values) if (isBetter(value, best, direction)) best = value;
  return best;
}

/**
 * Optuna's _is_first_in_interval_step: checks happen at the first report at or after each
 * checkpoint warm-up + k * interval, so a trial that skips a checkpoint step is still checked once.
 * With a report every epoch this is simply (step - warm-up) % interval == 0.
 */
function isFirstReportInInterval(step: number, steps: Iterable<number>, warmupSteps: number, intervalSteps: number): boolean {
  const checkpoint = Math.floor((step - warmupSteps) / intervalSteps) * intervalSteps + warmupSteps;
  let previous = Number.NEGATIVE_INFINITY;
  for (const reported of steps) if (reported !== step && reported > previous) previous = reported;
  return previous < checkpoint;
}
