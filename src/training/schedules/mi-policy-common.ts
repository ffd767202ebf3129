import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { InvalidSettingError } from '../../errors/invalid-setting-error.js';
import type { ScheduleHistory } from './learning-rate-schedule.js';

/** Bounds shared by both MI policies: they start at min and stay within [min, max]. */
export interface MiBounds {
  readonly lrMin: number;
  readonly lrMax: number;
}

/** IHYLL_{t-1}, IHYLL_{t-2} and LR_{t-1}, or undefined while fewer than two estimates exist. */
export function previousEpochs(history: ScheduleHistory, lrMin: number): { ihy1: number; ihy2: number; lr: number } | undefined {
  const { ihyll, learningRates } = history;
  if (ihyll.length < 2) return undefined;
  const ihy1 = ihyll[ihyll.length - 1] as number;
  const ihy2 = ihyll[ihyll.length - 2] as number;
  if (!Number.isFinite(ihy1) || !Number.isFinite(ihy2)) {
    throw new InvalidArgumentError(`history.ihyll must hold finite estimates, but the last two are ${ihy2} and ${ihy1}`);
  }
  return { ihy1, ihy2, lr: learningRates.at(-1) ?? lrMin };
}

/**
 * The appendix's relative change |IHYLL_{t-1} - IHYLL_{t-2}| / IHYLL_{t-1} (delta_t, d2_t).
 * Undefined when IHYLL_{t-1} <= 0: KSG can estimate a little below 0 for an untrained network, and
 * dividing by it would flip the sign of the change or blow it up.
 */
export function relativeChange(ihy1: number, ihy2: number): number | undefined {
  return ihy1 > 0 ? Math.abs(ihy1 - ihy2) / ihy1 : undefined;
}

export function checkBounds({ lrMin, lrMax }: MiBounds): void {
  if (!(lrMin > 0) || !Number.isFinite(lrMin)) {
    throw new InvalidSettingError(
      'lr_min',
      `must be > 0 for the MI policies (they start there, and at 0 the network and so IHYLL never change), but got ${lrMin}`,
    );
  }
  if (!(lrMax >= lrMin) || !Number.isFinite(lrMax))
    throw new InvalidSettingError('lr_max', `must be at least lr_min (${lrMin}), but got ${lrMax}`);
}
