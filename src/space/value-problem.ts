import type { ParamSpec, ParamValue } from './param-spec.js';

/** Relative tolerance for "on the step grid", so that 0.1-style steps pass despite rounding. */
export const STEP_TOLERANCE = 1e-9;

/** Why `value` is not a value `param` can take, or undefined when it is one. */
export function valueProblem(param: ParamSpec, value: ParamValue): string | undefined {
  switch (param.type) {
    case 'categorical':
      return param.choices.includes(value)
        ? undefined
        : `expected one of ${param.choices.map((c) => JSON.stringify(c)).join(', ')}, but got ${JSON.stringify(value)}`;
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a finite number, but got ${JSON.stringify(value)}`;
      if (value < param.low || value > param.high) return `must be within [${param.low}, ${param.high}], but got ${value}`;
      if (param.type === 'int' && !Number.isInteger(value)) return `expected an integer, but got ${value}`;
      const step = param.step;
      if (step !== undefined) {
        const k = (value - param.low) / step;
        if (Math.abs(k - Math.round(k)) > STEP_TOLERANCE * Math.max(1, Math.abs(k)))
          return `must be ${param.low} + k * ${step}, but got ${value}`;
      }
      return undefined;
    }
  }
}
