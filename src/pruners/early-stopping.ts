import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { isBetter, lossSign, worstValue, type Direction } from '../core/direction.js';
import { checkInteger } from './check-setting.js';
import { formatMetric } from './format-metric.js';
import type { EarlyStoppingSpec } from './pruner-spec.js';

export type EarlyStoppingDecision = { readonly stop: false } | { readonly stop: true; readonly bestEpoch: number; readonly reason: string };

/**
 * Stops one trial when its metric has not improved for `patience` epochs, as Keras' EarlyStopping
 * does: an epoch improves when it beats the reference by more than `minDelta`, and only such an
 * epoch becomes the new reference, so many tiny gains in a row do not reset the wait.
 * The reference starts at -Infinity (maximize) or +Infinity (minimize): NaN never improves.
 */
export class EarlyStopping {
  readonly spec: EarlyStoppingSpec;

  constructor(
    spec: EarlyStoppingSpec,
    private readonly metric = 'value',
  ) {
    checkInteger('patience', spec.patience, 1);
    if (!(spec.minDelta >= 0 && Number.isFinite(spec.minDelta))) {
      throw new InvalidArgumentError(`min_delta must be a finite number >= 0, but got ${spec.minDelta}`);
    }
    this.spec = { patience: spec.patience, minDelta: spec.minDelta };
  }

  /**
   * `values` holds one value per epoch, epoch 1 first. Stateless: the whole history is replayed, so
   * the answer does not depend on having been asked after every epoch. `bestEpoch` is the epoch of
   * the last improvement, 0 when no epoch ever improved (every value NaN).
   */
  decide(values: readonly number[], direction: Direction): EarlyStoppingDecision {
    const { patience, minDelta } = this.spec;
    let best = worstValue(direction);
    let bestEpoch = 0;
    let wait = 0;
    for (const [index, value] of values.entries()) {
      // Made worse by minDelta, the value must still beat the reference (never NaN: it starts infinite).
      const improved = isBetter(value + lossSign(direction) * minDelta, best, direction);
      if (improved) {
        best = value;
        bestEpoch = index + 1;
        wait = 0;
      } else {
        wait += 1;
      }
    }
    // Keras never stops after the first epoch alone (`epoch > 0`).
    if (wait < patience || values.length < 2) return { stop: false };
    const by = minDelta > 0 ? ` by more than ${formatMetric(minDelta)}` : '';
    const since = bestEpoch === 0 ? 'no epoch has a value that is not NaN' : `best ${formatMetric(best)} at epoch ${bestEpoch}`;
    return {
      stop: true,
      bestEpoch,
      reason: `${this.metric} has not improved${by} for ${wait} epoch${wait === 1 ? '' : 's'} (${since})`,
    };
  }
}
