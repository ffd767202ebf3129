import { checkEpoch, type LearningRateSchedule, type ScheduleHistory } from './learning-rate-schedule.js';
import { checkBounds, previousEpochs, relativeChange, type MiBounds } from './mi-policy-common.js';

export interface MiRelativeParams extends MiBounds {
  readonly gamma1: number;
  readonly gamma2: number;
  readonly epsilon: number;
}

/**
 * Seed 003's appendix values for MNIST: increases dampened (gamma1 = 0.1) relative to decreases
 * (gamma2 = 1), epsilon = 0.01, LR in [0.001, 0.1]. CIFAR-10 used gamma1 = 0.01.
 */
export const MI_RELATIVE_DEFAULTS: MiRelativeParams = { lrMin: 0.001, lrMax: 0.1, gamma1: 0.1, gamma2: 1, epsilon: 0.01 };

export type MiRelativeRule = 'waiting' | 'increase' | 'decrease' | 'hold';

export interface MiRelativeDecision {
  readonly learningRate: number;
  /**
   * waiting: fewer than two IHYLL estimates, LR_min; increase: delta > epsilon; decrease:
   * delta <= epsilon; hold: IHYLL_{t-1} <= 0 leaves delta undefined, so LR_{t-1} is kept.
   */
  readonly rule: MiRelativeRule;
  readonly delta?: number;
}

/**
 * "Dynamic LR policy based on change in IHYLL" (report 003, appendix), as printed:
 *   delta_t = |IHYLL_{t-1} - IHYLL_{t-2}| / IHYLL_{t-1}
 *   LR_t = min(LR_max, LR_{t-1} + gamma1 delta_t)  if delta_t > epsilon
 *          max(LR_min, LR_{t-1} - gamma2 delta_t)  if delta_t <= epsilon
 */
export function decideMiRelative(params: MiRelativeParams, history: ScheduleHistory): MiRelativeDecision {
  const previous = previousEpochs(history, params.lrMin);
  if (previous === undefined) return { learningRate: params.lrMin, rule: 'waiting' };
  const { ihy1, ihy2, lr } = previous;
  const delta = relativeChange(ihy1, ihy2);
  if (delta === undefined) return { learningRate: lr, rule: 'hold' };
  if (delta > params.epsilon) return { learningRate: Math.min(params.lrMax, lr + params.gamma1 * delta), rule: 'increase', delta };
  return { learningRate: Math.max(params.lrMin, lr - params.gamma2 * delta), rule: 'decrease', delta };
}

export function miRelativeSchedule(params: MiRelativeParams = MI_RELATIVE_DEFAULTS): LearningRateSchedule {
  checkBounds(params);
  return {
    measures: { ihyll: true, ixy: false },
    learningRateFor(epoch, history) {
      checkEpoch(epoch);
      return decideMiRelative(params, history).learningRate;
    },
  };
}
