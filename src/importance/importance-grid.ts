import type { ParamSpec, ParamValue } from '../space/param-spec.js';

/** A numeric range is cut into at most this many grid points (Optuna's PED-ANOVA n_steps). */
export const MAX_GRID_POINTS = 50;

/**
 * A parameter's values mapped onto a finite grid, on which PED-ANOVA compares densities:
 * the choices of a categorical, or evenly spaced points of a numeric range (in log space
 * for log-scale parameters).
 */
export interface ImportanceGrid {
  readonly kind: 'numeric' | 'categorical';
  readonly size: number;
  /** The grid point a value falls on; undefined when the value does not belong to the parameter. */
  binOf(value: ParamValue): number | undefined;
}

/**
 * The grid of one parameter. Numeric ranges get min(50, number of values) points, so a
 * stepped parameter keeps one point per value when it has few; a log-scale int gets
 * ceil(log2(high - low + 1)) + 1 points in log space (as in Optuna), since its small values
 * are distinct and its large ones crowd together. A value goes to the nearest point.
 */
export function importanceGrid(param: ParamSpec): ImportanceGrid {
  if (param.type === 'categorical') {
    const index = new Map<ParamValue, number>(param.choices.map((choice, i) => [choice, i]));
    return { kind: 'categorical', size: param.choices.length, binOf: (value) => index.get(value) };
  }
  let size = MAX_GRID_POINTS;
  if (param.type === 'int' && param.log) size = Math.min(Math.ceil(Math.log2(param.high - param.low + 1)) + 1, size);
  else if (param.step !== undefined) size = Math.min(Math.round((param.high - param.low) / param.step) + 1, size);
  const scale = param.log ? Math.log : (x: number): number => x;
  const low = scale(param.low);
  const width = (scale(param.high) - low) / Math.max(size - 1, 1);
  return {
    kind: 'numeric',
    size,
    binOf: (value) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || (param.log && value <= 0)) return undefined;
      if (size === 1) return 0;
      // Nearest point, a value halfway between two going to the lower one (numpy searchsorted
      // of value - width/2, as Optuna bins); values outside the range go to the end points.
      const bin = Math.ceil((scale(value) - low) / width - 0.5);
      return Math.min(size - 1, Math.max(0, bin));
    },
  };
}
