import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { checkEpoch, type LearningRateSchedule, type ScheduleHistory } from './learning-rate-schedule.js';
import { checkBounds, previousEpochs, relativeChange, type MiBounds } from './mi-policy-common.js';

export interface MiIxyParams extends MiBounds {
  readonly gamma1: number;
  readonly gamma2: number;
  readonly gamma3: number;
  readonly epsilon: number;
}

/**
 * Seed 003's "LR increases at the same rate as decreases" run (its best on MNIST): gamma1 = gamma2
 * = gamma3 = 0.1, epsilon = 0.01, LR in [0.001, 0.1]. The dampened runs used gamma1 = gamma2 = 0.01.
 */
export const MI_IXY_DEFAULTS: MiIxyParams = { lrMin: 0.001, lrMax: 0.1, gamma1: 0.1, gamma2: 0.1, gamma3: 0.1, epsilon: 0.01 };

/**
 * Which case decided: row1..row3 are the printed table's rows (row 4 can never match, see below);
 * waiting: fewer than two IHYLL estimates, LR_min; below-saturated: the case the table leaves out;
 * hold: LR_{t-1} kept because d1 = 0 with d2 > epsilon (also left out), or IHYLL_{t-1} <= 0.
 */
export type MiIxyRule = 'waiting' | 'row1' | 'row2' | 'row3' | 'below-saturated' | 'hold';

export interface MiIxyDecision {
  readonly learningRate: number;
  readonly rule: MiIxyRule;
  readonly d1?: number;
  readonly d2?: number;
}

/**
 * "Dynamic LR policy based on change and value of IHYLL relative to IXY" (report 003, appendix):
 *   d1_t = 1 - IHYLL_{t-1} / IXY,   d2_t = |IHYLL_{t-1} - IHYLL_{t-2}| / IHYLL_{t-1}
 *   row 1: d1 > 0  & d2 > eps:   min(LR_max, LR_{t-1} + gamma1 d1)
 *   row 2: d1 <= 0 & d2 <= eps:  max(LR_min, LR_{t-1} - gamma2 d1)
 *   row 3: d1 < 0  & d2 > eps:   max(LR_min, LR_{t-1} + gamma3 d1)
 *   row 4: d1 <= 0 & d2 <= eps:  max(LR_min, LR_{t-1} + gamma3 d1)
 * Taken literally, first match wins: row 4 repeats row 2's condition and never applies, and row 2
 * raises the rate (d1 <= 0) with no LR_max cap, as printed.
 *
 * Left out by the table: d1 > 0 & d2 <= eps (IHYLL below IXY and no longer changing). The text says
 * the rate "increases while significant changes in IHYLL occur and IHYLL <= IXY and thereafter, it
 * decreases", and row 2's formula with d1 > 0 is exactly such a decrease, which suggests its printed
 * condition has a flipped sign; so this case applies row 2's formula: max(LR_min, LR_{t-1} - gamma2
 * d1). Keeping the rate instead would freeze it once IHYLL saturates below IXY, where the paper's
 * figures show it cooling down. d1 = 0 exactly with d2 > eps (also left out) keeps LR_{t-1}.
 */
export function decideMiIxy(params: MiIxyParams, history: ScheduleHistory): MiIxyDecision {
  const previous = previousEpochs(history, params.lrMin);
  if (previous === undefined) return { learningRate: params.lrMin, rule: 'waiting' };
  const { ixy } = history;
  if (ixy === undefined || !(ixy > 0) || !Number.isFinite(ixy)) {
    throw new InvalidArgumentError(`history.ixy must be a positive estimate of I(X;Y) for the mi_ixy policy, but got ${ixy}`);
  }
  const { ihy1, ihy2, lr } = previous;
  const d2 = relativeChange(ihy1, ihy2);
  if (d2 === undefined) return { learningRate: lr, rule: 'hold' };
  const d1 = 1 - ihy1 / ixy;
  const { lrMin, lrMax, gamma1, gamma2, gamma3, epsilon } = params;
  const decided = (learningRate: number, rule: MiIxyRule): MiIxyDecision => ({ learningRate, rule, d1, d2 });
  if (d1 > 0 && d2 > epsilon) return decided(Math.min(lrMax, lr + gamma1 * d1), 'row1');
  if (d1 <= 0 && d2 <= epsilon) return decided(Math.max(lrMin, lr - gamma2 * d1), 'row2');
  if (d1 < 0 && d2 > epsilon) return decided(Math.max(lrMin, lr + gamma3 * d1), 'row3');
  if (d1 > 0 && d2 <= epsilon) return decided(Math.max(lrMin, lr - gamma2 * d1), 'below-saturated');
  return decided(lr, 'hold');
}

export function miIxySchedule(params: MiIxyParams = MI_IXY_DEFAULTS): LearningRateSchedule {
  checkBounds(params);
  return {
    measures: { ihyll: true, ixy: true },
    learningRateFor(epoch, history) {
      checkEpoch(epoch);
      return decideMiIxy(params, history).learningRate;
    },
  };
}
