import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parameterImportance, type ImportanceInput } from '../../src/importance/parameter-importance.js';
import { Rng } from '../../src/random/rng.js';
import { RandomSampler } from '../../src/samplers/random-sampler.js';
import type { ParamValues, SearchSpaceDefinition } from '../../src/space/param-spec.js';
import { SearchSpace } from '../../src/space/search-space.js';
import type { Direction } from '../../src/study/study-definition.js';

/** `count` trials drawn by our random sampler (seeded), each valued by `objective` plus N(0, noise²). */
function randomStudy(
  definition: SearchSpaceDefinition,
  objective: (params: ParamValues) => number,
  options: { count: number; seed: number; noise?: number; direction?: Direction },
): ImportanceInput {
  const space = SearchSpace.fromDefinition(definition);
  const sampler = new RandomSampler(options.seed);
  const noise = new Rng(options.seed + 1000);
  const direction = options.direction ?? 'minimize';
  const trials = Array.from({ length: options.count }, (_, trialNumber) => {
    const params = sampler.suggest({ space, direction, trialNumber, trials: [] });
    return { params, value: objective(params) + (options.noise ?? 0) * noise.normal() };
  });
  return { space: space.definition, direction, trials };
}

const num = (params: ParamValues, name: string): number => params[name] as number;

const THREE_FLOATS: SearchSpaceDefinition = {
  x1: { type: 'float', low: -1, high: 1, log: false },
  x2: { type: 'float', low: -1, high: 1, log: false },
  x3: { type: 'float', low: -1, high: 1, log: false },
};
/** x1 matters most, x2 a little, x3 not at all. */
const strongWeakIrrelevant = (p: ParamValues): number => 4 * num(p, 'x1') ** 2 + num(p, 'x2') ** 2;

describe('parameterImportance', () => {
  test('ranks a strong, a weak and an irrelevant parameter, and sums to 1', () => {
    for (const seed of [1, 2, 3]) {
      const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 500, seed, noise: 0.05 });
      const importance = parameterImportance(input);
      assert.deepEqual(Object.keys(importance), ['x1', 'x2', 'x3'], JSON.stringify(importance));
      const total = Object.values(importance).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-12, `sum ${total}`);
      assert.ok((importance.x3 as number) < 0.05, `x3 ${importance.x3}`);
      assert.ok((importance.x1 as number) > 0.6, `x1 ${importance.x1}`);
    }
  });
});
