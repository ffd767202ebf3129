import { onGrid } from '../samplers/sample-prior.js';
import type { ParamSpec, ParamValue } from '../space/param-spec.js';
import type { SyntheticScale } from './synthetic-task.js';

/**
 * Where the synthetic loss is 0 when the sweep file does not say: the middle of a numeric range
 * (on its log scale for a log-scale parameter), on the parameter's grid if it has one, so that
 * the optimum is a value the sampler can suggest; the first choice of a categorical.
 */
export function defaultOptimum(param: ParamSpec): ParamValue {
  if (param.type === 'categorical') return param.choices[0] as ParamValue;
  const middle = param.log ? Math.exp((Math.log(param.low) + Math.log(param.high)) / 2) : (param.low + param.high) / 2;
  const step = param.step;
  if (step === undefined) return clamp(middle, param.low, param.high);
  const k = Math.round((middle - param.low) / step);
  return clamp(param.type === 'int' ? param.low + k * step : onGrid(param.low, step, k), param.low, param.high);
}

/** What the synthetic loss needs to know of a parameter: its range and scale, or its choices. */
export function syntheticScale(param: ParamSpec): SyntheticScale {
  return param.type === 'categorical' ? { choices: [...param.choices] } : { low: param.low, high: param.high, log: param.log };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
