import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ParamValue, ParamValues } from '../space/param-spec.js';
import { describeValue } from '../validation/zod-problems.js';
import { isCategoricalScale, type NumericScale, type SyntheticScale, type SyntheticTask } from './synthetic-task.js';

/**
 * The synthetic task's final validation loss: the sum, over the parameters the trial has, of the
 * squared distance to the optimum. A numeric distance is measured as a fraction of the range, on
 * the log scale for log-scale parameters, so that every parameter weighs the same (at most 1);
 * a categorical one is 0 for the optimum's choice and 1 for any other. The optimum scores 0.
 *
 * Values are checked because assignments may come off the wire; throws InvalidArgumentError.
 */
export function syntheticLoss(task: SyntheticTask, params: ParamValues): number {
  let loss = 0;
  for (const [name, value] of Object.entries(params)) {
    const scale = task.scales[name];
    const optimum = task.optimum[name];
    if (scale === undefined || optimum === undefined) {
      throw new InvalidArgumentError(
        `parameter ${name} is not a parameter of the synthetic task (expected one of: ${Object.keys(task.scales).join(', ')})`,
      );
    }
    loss += distance(name, scale, value, optimum) ** 2;
  }
  return loss;
}

function distance(name: string, scale: SyntheticScale, value: ParamValue, optimum: ParamValue): number {
  if (isCategoricalScale(scale)) {
    if (!scale.choices.includes(value)) {
      throw new InvalidArgumentError(
        `parameter ${name} must be one of ${scale.choices.map((c) => JSON.stringify(c)).join(', ')}, but got ${describeValue(value)}`,
      );
    }
    return value === optimum ? 0 : 1;
  }
  return (
    (position(name, scale, value) - position(name, scale, optimum)) / (position(name, scale, scale.high) - position(name, scale, scale.low))
  );
}

/** Where a value sits on the parameter's scale: its logarithm on a log scale. */
function position(name: string, scale: NumericScale, value: ParamValue): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`parameter ${name} must be a finite number, but got ${describeValue(value)}`);
  }
  if (!scale.log) return value;
  if (value <= 0) throw new InvalidArgumentError(`parameter ${name} must be > 0 on its log scale, but got ${value}`);
  return Math.log(value);
}
