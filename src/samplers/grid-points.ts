import type { ParamSpec, ParamValue, ParamValues } from '../space/param-spec.js';
import type { SearchSpace } from '../space/search-space.js';
import { onGrid } from './sample-prior.js';

/** More points than this is not a grid anyone means to run; it is almost always a missing step. */
export const MAX_GRID_POINTS = 1_000_000;

/** The values a parameter takes on a grid, or why it has no finite set of values. */
export function gridValues(param: ParamSpec): { values: ParamValue[] } | { problem: string } {
  switch (param.type) {
    case 'categorical':
      return { values: [...param.choices] };
    case 'int':
      return steps(param.low, param.high, param.step, (k) => param.low + k * param.step);
    case 'float':
      if (param.step === undefined) return { problem: 'must have a finite set of values for grid search: give it choices, or a step' };
      return steps(param.low, param.high, param.step, (k) => onGrid(param.low, param.step as number, k));
  }
}

function steps(low: number, high: number, step: number, valueAt: (k: number) => number): { values: number[] } | { problem: string } {
  const count = Math.round((high - low) / step) + 1;
  if (count > MAX_GRID_POINTS)
    return {
      problem: `must have at most ${MAX_GRID_POINTS.toLocaleString('en')} values for grid search, but its step gives ${count.toLocaleString('en')}: give it choices, or a larger step`,
    };
  return { values: Array.from({ length: count }, (_, k) => valueAt(k)) };
}

/**
 * Every point of the grid: the Cartesian product of the values, where a conditional parameter
 * multiplies only the points on which its condition holds (so `momentum` under `sgd` does not
 * multiply the `adam` points). Throws RangeError when a parameter has no finite set of values;
 * callers check the space with `gridProblems` first.
 */
export function gridPoints(space: SearchSpace): ParamValues[] {
  const valuesOf = new Map(
    space.order.map((name) => {
      const grid = gridValues(space.param(name));
      if ('problem' in grid) throw new RangeError(`${name} ${grid.problem}`);
      return [name, grid.values] as const;
    }),
  );
  // The parameters without a condition are on every point, so their product is a floor on the
  // grid's size: a grid far too large is refused here, before a million points are built.
  const floor = space.order
    .filter((name) => space.param(name).when === undefined)
    .reduce((product, name) => product * (valuesOf.get(name) as ParamValue[]).length, 1);
  if (floor > MAX_GRID_POINTS) throw new RangeError(`the grid has more than ${MAX_GRID_POINTS.toLocaleString('en')} points`);
  let points: Record<string, ParamValue>[] = [{}];
  for (const name of space.order) {
    const next: Record<string, ParamValue>[] = [];
    for (const point of points) {
      if (!space.isActive(name, point)) next.push(point);
      else for (const value of valuesOf.get(name) as ParamValue[]) next.push({ ...point, [name]: value });
      if (next.length > MAX_GRID_POINTS) throw new RangeError(`the grid has more than ${MAX_GRID_POINTS.toLocaleString('en')} points`);
    }
    points = next;
  }
  return points;
}

/** A key that is the same for equal points whatever the order of their keys. */
export function gridKey(space: SearchSpace, params: ParamValues): string {
  return JSON.stringify(space.order.map((name) => params[name] ?? null));
}
