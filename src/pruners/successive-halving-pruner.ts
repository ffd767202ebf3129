import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { boundWording, compareBestFirst, isAtLeastAsGood, type Direction } from '../core/direction.js';
import { checkInteger } from './check-setting.js';
import { formatMetric } from './format-metric.js';
import { KEEP, prune, type PruneContext, type PruneDecision, type Pruner, type TrialCurve } from './pruner.js';
import { ASHA_DEFAULTS, type AshaPrunerSpec } from './pruner-spec.js';

export type AshaSettings = Omit<AshaPrunerSpec, 'type'>;

/**
 * Optuna's SuccessiveHalvingPruner (asynchronous successive halving). Rung k completes at step
 * minResource * reductionFactor^(minEarlyStoppingRate + k); there a trial goes on only if its value
 * is among the best 1/reductionFactor of every trial that reached the rung so far, whatever its
 * state, itself included. Between rungs nothing is decided.
 *
 * Optuna records each trial's rung values as system attributes when it decides; here they are read
 * off the curves: a trial's value for a rung is the one at its first report at or after the rung's
 * step (with a report every epoch, the value at that step).
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly readsCurves = true;
  readonly name = 'asha';
  readonly settings: AshaSettings;

  constructor(
    settings: Partial<AshaSettings> = {},
    private readonly metric = 'value',
  ) {
    this.settings = {
      minResource: settings.minResource ?? ASHA_DEFAULTS.minResource,
      reductionFactor: settings.reductionFactor ?? ASHA_DEFAULTS.reductionFactor,
      minEarlyStoppingRate: settings.minEarlyStoppingRate ?? ASHA_DEFAULTS.minEarlyStoppingRate,
    };
    checkInteger('min_resource', this.settings.minResource, 1);
    checkInteger('reduction_factor', this.settings.reductionFactor, 2);
    checkInteger('min_early_stopping_rate', this.settings.minEarlyStoppingRate, 0);
  }

  /** The step at which rung `rung` (0-based) completes. */
  rungStep(rung: number): number {
    const { minResource, reductionFactor, minEarlyStoppingRate } = this.settings;
    return minResource * reductionFactor ** (minEarlyStoppingRate + rung);
  }

  decide({ direction, trial, step, trials }: PruneContext): PruneDecision {
    const value = trial.values.get(step);
    if (value === undefined) {
      throw new InvalidArgumentError(`the trial being decided must have a value at step ${step}, but trial ${trial.number} has none`);
    }
    // Usually one rung at most; several when a trial's reports jumped over rung steps, as
    // Optuna's loop then judges the same value at each rung in turn.
    for (let rung = 0; this.rungStep(rung) <= step; rung++) {
      const rungStep = this.rungStep(rung);
      if (reportedBetween(trial, rungStep, step)) continue; // decided at that earlier report
      if (Number.isNaN(value)) return prune(`${this.metric} at epoch ${step} (rung ${rung}) is NaN`);
      const competing = [value];
      for (const other of trials) {
        if (other.number === trial.number) continue;
        const rungValue = valueForRung(other, rungStep);
        // A NaN at a rung got its trial pruned before Optuna recorded it: it never competes.
        if (rungValue !== undefined && !Number.isNaN(rungValue)) competing.push(rungValue);
      }
      const { kept, threshold } = promotionThreshold(competing, this.settings.reductionFactor, direction);
      const promoted = isAtLeastAsGood(value, threshold, direction);
      if (!promoted) {
        return prune(
          `${this.metric} ${formatMetric(value)} at epoch ${step} is not among the best ${kept} of the ` +
            `${competing.length} trials that reached rung ${rung} (epoch ${rungStep}): going on needs ` +
            `${boundWording(direction)} ${formatMetric(threshold)}`,
        );
      }
    }
    return KEEP;
  }
}

/**
 * Optuna's _is_trial_promotable_to_next_rung: the best floor(n / reductionFactor) of n values go
 * on, and at least the best one when fewer than reductionFactor trials reached the rung.
 */
function promotionThreshold(values: readonly number[], reductionFactor: number, direction: Direction): { kept: number; threshold: number } {
  const kept = Math.max(Math.floor(values.length / reductionFactor), 1);
  const sorted = [...values].sort((a, b) => compareBestFirst(a, b, direction));
  return { kept, threshold: sorted[kept - 1] ?? Number.NaN };
}

/** Whether the trial reported at some step in [from, before). */
function reportedBetween(trial: TrialCurve, from: number, before: number): boolean {
  for (const reported of trial.values.keys()) if (reported >= from && reported < before) return true;
  return false;
}

/** The value at the trial's first report at or after `rungStep`; undefined when it never got there. */
function valueForRung(trial: TrialCurve, rungStep: number): number | undefined {
  let firstStep = Number.POSITIVE_INFINITY;
  for (const reported of trial.values.keys()) if (reported >= rungStep && reported < firstStep) firstStep = reported;
  return trial.values.get(firstStep);
}
