import type { ParamSpec, ParamValue } from '../../space/param-spec.js';
import { onGrid } from '../sample-prior.js';

/**
 * How the Parzen estimator sees one parameter: numbers live on [low, high] in "internal"
 * coordinates (log space for log-scale parameters), categoricals as choice indices.
 * Discrete numbers (ints, stepped floats) carry the cell of internal values that rounds to
 * each value, so their density is the mass of that cell (Optuna's discretised densities).
 */
export type TpeDimension = NumericDimension | CategoricalDimension;

export interface NumericDimension {
  readonly kind: 'numeric';
  readonly name: string;
  readonly low: number;
  readonly high: number;
  readonly discrete: boolean;
  toInternal(value: number): number;
  /** Rounds an internal value to the parameter's own value (grid, integer, range). */
  toExternal(internal: number): number;
  /** The internal interval of values that round to the same external value as `internal`. */
  cell(internal: number): readonly [number, number];
}

export interface CategoricalDimension {
  readonly kind: 'categorical';
  readonly name: string;
  readonly choices: readonly ParamValue[];
}

export function tpeDimension(name: string, param: ParamSpec): TpeDimension {
  switch (param.type) {
    case 'categorical':
      return { kind: 'categorical', name, choices: param.choices };
    case 'float':
      if (param.log) return logContinuous(name, param.low, param.high);
      if (param.step !== undefined) return linearGrid(name, param.low, param.high, param.step, false);
      return linearContinuous(name, param.low, param.high);
    case 'int':
      return param.log ? logInteger(name, param.low, param.high) : linearGrid(name, param.low, param.high, param.step, true);
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function linearContinuous(name: string, low: number, high: number): NumericDimension {
  return {
    kind: 'numeric',
    name,
    low,
    high,
    discrete: false,
    toInternal: (value) => value,
    toExternal: (internal) => clamp(internal, low, high),
    cell: (internal) => [internal, internal],
  };
}

function logContinuous(name: string, low: number, high: number): NumericDimension {
  return {
    kind: 'numeric',
    name,
    low: Math.log(low),
    high: Math.log(high),
    discrete: false,
    toInternal: (value) => Math.log(value),
    toExternal: (internal) => clamp(Math.exp(internal), low, high),
    cell: (internal) => [internal, internal],
  };
}

/** low, low + step, ..., high: each value owns [value - step/2, value + step/2]. */
function linearGrid(name: string, low: number, high: number, step: number, integer: boolean): NumericDimension {
  const round = (internal: number): number => {
    const k = Math.round((clamp(internal, low, high) - low) / step);
    return integer ? low + k * step : onGrid(low, step, k);
  };
  return {
    kind: 'numeric',
    name,
    low: low - step / 2,
    high: high + step / 2,
    discrete: true,
    toInternal: (value) => value,
    toExternal: round,
    cell: (internal) => {
      const value = round(internal);
      return [value - step / 2, value + step / 2];
    },
  };
}

/**
 * A log-scale integer v owns [log(v - 1/2), log(v + 1/2)], so every integer keeps the mass of
 * its own rounding interval (as the random sampler draws them, and as Optuna does since 4.6).
 */
function logInteger(name: string, low: number, high: number): NumericDimension {
  const round = (internal: number): number => clamp(Math.round(Math.exp(internal)), low, high);
  return {
    kind: 'numeric',
    name,
    low: Math.log(low - 0.5),
    high: Math.log(high + 0.5),
    discrete: true,
    toInternal: (value) => Math.log(value),
    toExternal: round,
    cell: (internal) => {
      const value = round(internal);
      return [Math.log(value - 0.5), Math.log(value + 0.5)];
    },
  };
}
