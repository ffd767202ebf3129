import { RandomSampler } from '../src/samplers/random-sampler.js';
import type { ParamValues } from '../src/space/param-spec.js';
import { SearchSpace } from '../src/space/search-space.js';
import { runPython, type OptunaPeer } from './optuna-peer.js';
import type { TestFunction } from './test-functions.js';

/** Random points per function on which the TypeScript and Python values must agree. */
const POINTS_PER_FUNCTION = 10;

/**
 * Checks, before the search-quality benchmark spends minutes on them, that each test function
 * reaches its published minimum at its minimiser, and (when Python runs) that the Python copy
 * gives the same values as ours on the minimiser and on random points. Throws on any mismatch:
 * results from two different functions would compare nothing. Returns a line to print.
 */
export async function checkTestFunctions(functions: readonly TestFunction[], peer: OptunaPeer | undefined): Promise<string> {
  for (const fn of functions) {
    const value = fn.evaluate(fn.minimiser);
    // Published minima are given to about 6 digits.
    if (Math.abs(value - fn.minimum) > 1e-5 * Math.max(1, Math.abs(fn.minimum))) {
      throw new Error(`self-check: ${fn.name} at its minimiser is ${value}, not its minimum ${fn.minimum}`);
    }
  }
  if (!peer?.available) return `self-check: ${functions.length} functions reach their minima (TypeScript only)`;

  const points = functions.flatMap((fn) => [fn.minimiser, ...randomPoints(fn)].map((params) => ({ fn, params })));
  const [pythonValues] = (await runPython(peer, 'evaluate_points.py', {
    points: points.map(({ fn, params }) => ({ function: fn.name, params })),
  })) as [number[]];
  points.forEach(({ fn, params }, i) => {
    const ours = fn.evaluate(params);
    const theirs = pythonValues[i] as number;
    // Both sides compute in doubles with the same formulas; only the last bits of cos/exp may differ.
    if (!(Math.abs(ours - theirs) <= 1e-9 * Math.max(1, Math.abs(ours)))) {
      throw new Error(`self-check: ${fn.name}(${JSON.stringify(params)}) is ${ours} in TypeScript but ${theirs} in Python`);
    }
  });
  return `self-check: ${functions.length} functions reach their minima, and TypeScript and Python agree on ${points.length} points`;
}

function randomPoints(fn: TestFunction): ParamValues[] {
  const space = SearchSpace.fromDefinition(fn.space);
  const sampler = new RandomSampler(12345);
  return Array.from({ length: POINTS_PER_FUNCTION }, (_, trialNumber) =>
    sampler.suggest({ space, direction: 'minimize', trialNumber, trials: [] }),
  );
}
