import type { Rng } from '../random/rng.js';
import type { ParamSpec, ParamValue } from '../space/param-spec.js';

/**
 * Draws from a parameter's prior: uniform, log-uniform, or uniform over the step grid.
 * Log-scale integers are drawn over [low - 0.5, high + 0.5] and rounded, so that every integer
 * gets the mass of its own rounding interval (as Optuna does).
 */
export function samplePrior(param: ParamSpec, rng: Rng): ParamValue {
  switch (param.type) {
    case 'categorical':
      return param.choices[rng.int(0, param.choices.length - 1)] as ParamValue;
    case 'float':
      if (param.log) return clamp(Math.exp(rng.uniform(Math.log(param.low), Math.log(param.high))), param.low, param.high);
      if (param.step !== undefined) return onGrid(param.low, param.step, rng.int(0, Math.round((param.high - param.low) / param.step)));
      return rng.uniform(param.low, param.high);
    case 'int':
      if (param.log) {
        const drawn = Math.exp(rng.uniform(Math.log(param.low - 0.5), Math.log(param.high + 0.5)));
        return clamp(Math.round(drawn), param.low, param.high);
      }
      return param.low + param.step * rng.int(0, Math.round((param.high - param.low) / param.step));
  }
}

/** low + k * step, rounded to the step's decimals so that 0.1 + 2 * 0.1 prints as 0.3. */
export function onGrid(low: number, step: number, k: number): number {
  const decimals = Math.max(decimalPlaces(low), decimalPlaces(step));
  return Number((low + k * step).toFixed(Math.min(decimals, 15)));
}

function decimalPlaces(value: number): number {
  const text = value.toString();
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) return Number(exponent[1]) + (text.split('e')[0]?.split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
