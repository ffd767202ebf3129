import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { checkInteger } from './check-setting.js';
import { bracketBudgets, bracketOf, countBrackets } from './hyperband-brackets.js';
import type { PruneContext, PruneDecision, Pruner } from './pruner.js';
import { HYPERBAND_DEFAULTS, type HyperbandPrunerSpec } from './pruner-spec.js';
import { SuccessiveHalvingPruner } from './successive-halving-pruner.js';

export type HyperbandSettings = Omit<HyperbandPrunerSpec, 'type'>;

/**
 * Optuna's HyperbandPruner: trials are spread over brackets, each an ASHA whose first rung is one
 * reduction factor later than the previous bracket's (min_early_stopping_rate = bracket), and a
 * trial competes only with trials of its own bracket. This hedges between pruning early and
 * hard (bracket 0) and letting every trial train long (the last bracket).
 */
export class HyperbandPruner implements Pruner {
  readonly readsCurves = true;
  readonly name = 'hyperband';
  readonly settings: HyperbandSettings;
  readonly budgets: readonly number[];
  private readonly brackets: readonly SuccessiveHalvingPruner[];

  constructor(settings: Partial<HyperbandSettings> & Pick<HyperbandSettings, 'maxResource'>, metric = 'value') {
    this.settings = {
      minResource: settings.minResource ?? HYPERBAND_DEFAULTS.minResource,
      maxResource: settings.maxResource,
      reductionFactor: settings.reductionFactor ?? HYPERBAND_DEFAULTS.reductionFactor,
    };
    const { minResource, maxResource, reductionFactor } = this.settings;
    checkInteger('min_resource', minResource, 1);
    checkInteger('max_resource', maxResource, 1);
    checkInteger('reduction_factor', reductionFactor, 2);
    // Optuna would silently build no brackets and never prune.
    if (maxResource < minResource) {
      throw new InvalidArgumentError(`max_resource must be >= min_resource (${minResource}), but got ${maxResource}`);
    }
    const nBrackets = countBrackets(minResource, maxResource, reductionFactor);
    this.budgets = bracketBudgets(nBrackets, reductionFactor);
    this.brackets = this.budgets.map(
      (_, bracket) => new SuccessiveHalvingPruner({ minResource, reductionFactor, minEarlyStoppingRate: bracket }, metric),
    );
  }

  get nBrackets(): number {
    return this.budgets.length;
  }

  bracketOf(trialNumber: number): number {
    return bracketOf(trialNumber, this.budgets);
  }

  decide(context: PruneContext): PruneDecision {
    const bracket = this.bracketOf(context.trial.number);
    const pruner = this.brackets[bracket];
    if (!pruner) throw new RangeError(`bracket must be < ${this.nBrackets}, but got ${bracket}`);
    const sameBracket = context.trials.filter((other) => this.bracketOf(other.number) === bracket);
    const decision = pruner.decide({ ...context, trials: sameBracket });
    if (!decision.prune) return decision;
    return { prune: true, reason: `Hyperband bracket ${bracket} (of 0-${this.nBrackets - 1}): ${decision.reason}` };
  }
}
