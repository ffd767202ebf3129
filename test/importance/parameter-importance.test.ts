import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parameterImportance, type ImportanceInput } from '../../src/importance/parameter-importance.js';
import { Rng } from '../../src/random/rng.js';
import { RandomSampler } from '../../src/samplers/random-sampler.js';
import type { ParamValues, SearchSpaceDefinition } from '../../src/space/param-spec.js';
import { SearchSpace } from '../../src/space/search-space.js';
import type { Direction } from '../../src/core/direction.js';

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

describe('parameterImportance on kinds of parameters', () => {
  test('a categorical that decides the value comes first', () => {
    const definition: SearchSpaceDefinition = {
      optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
      width: { type: 'int', low: 16, high: 256, log: false, step: 16 },
      dropout: { type: 'float', low: 0, high: 0.5, log: false, step: 0.1 },
    };
    const penalty: Record<string, number> = { sgd: 1, adam: 0, rmsprop: 0.6 };
    const input = randomStudy(definition, (p) => (penalty[p.optimizer as string] as number) + 0.1 * num(p, 'dropout'), {
      count: 300,
      seed: 4,
      noise: 0.05,
    });
    const importance = parameterImportance(input);
    assert.deepEqual(Object.keys(importance), ['optimizer', 'dropout', 'width'], JSON.stringify(importance));
    assert.ok((importance.optimizer as number) > 0.8, JSON.stringify(importance));
    assert.ok((importance.width as number) < 0.05, JSON.stringify(importance));
  });

  test('a log-scale parameter is judged in log space', () => {
    const definition: SearchSpaceDefinition = {
      lr: { type: 'float', low: 1e-5, high: 1, log: true },
      batch: { type: 'int', low: 8, high: 512, log: true, step: 1 },
      noise: { type: 'float', low: 0, high: 1, log: false },
    };
    // Best near lr = 1e-3: a narrow band in linear terms, two fifths of the range in log space.
    const objective = (p: ParamValues): number => (Math.log10(num(p, 'lr')) + 3) ** 2 + 0.2 * Math.abs(Math.log2(num(p, 'batch')) - 6);
    const input = randomStudy(definition, objective, { count: 400, seed: 5, noise: 0.1 });
    const importance = parameterImportance(input);
    assert.deepEqual(Object.keys(importance), ['lr', 'batch', 'noise'], JSON.stringify(importance));
    assert.ok((importance.lr as number) > 0.7, JSON.stringify(importance));
    assert.ok((importance.noise as number) < 0.05, JSON.stringify(importance));
  });

  test('a stepped int with few values keeps one grid point per value', () => {
    const definition: SearchSpaceDefinition = {
      depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
      other: { type: 'float', low: 0, high: 1, log: false },
    };
    // Only depth = 3 is good: a spike that a wide kernel would smear over its neighbours.
    const input = randomStudy(definition, (p) => (p.depth === 3 ? 0 : 1), { count: 200, seed: 6, noise: 0.05 });
    const importance = parameterImportance(input);
    assert.deepEqual(Object.keys(importance), ['depth', 'other']);
    assert.ok((importance.depth as number) > 0.9, JSON.stringify(importance));
  });
});

describe('parameterImportance and the direction', () => {
  test('maximising the negated objective gives the same importances as minimising it', () => {
    const minimize = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 300, seed: 7, noise: 0.05 });
    const maximize: ImportanceInput = {
      ...minimize,
      direction: 'maximize',
      trials: minimize.trials.map((t) => ({ params: t.params, value: -t.value })),
    };
    assert.deepEqual(parameterImportance(maximize), parameterImportance(minimize));
  });

  test('the direction decides which trials are the best', () => {
    // Minimising, small x1 is best; maximising the same values, large x1 is: both find x1,
    // but from opposite ends, so the shares differ while the ranking holds.
    const minimize = randomStudy(THREE_FLOATS, (p) => num(p, 'x1') + 0.3 * num(p, 'x2'), { count: 300, seed: 8, noise: 0.02 });
    const maximize: ImportanceInput = { ...minimize, direction: 'maximize' };
    for (const input of [minimize, maximize]) {
      assert.deepEqual(Object.keys(parameterImportance(input)), ['x1', 'x2', 'x3']);
    }
  });
});

describe('parameterImportance with conditional parameters', () => {
  const definition: SearchSpaceDefinition = {
    optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
    momentum: { type: 'float', low: 0, high: 1, log: false, when: { optimizer: ['sgd'] } },
    beta2: { type: 'float', low: 0.9, high: 0.9999, log: false, when: { optimizer: ['adam'] } },
    seedish: { type: 'float', low: 0, high: 1, log: false },
  };

  test('a conditional parameter that matters where it exists is ranked, an irrelevant one is not', () => {
    // sgd with the right momentum is best; adam is middling whatever beta2 is.
    const objective = (p: ParamValues): number => (p.optimizer === 'sgd' ? 4 * (num(p, 'momentum') - 0.9) ** 2 : 0.5);
    const input = randomStudy(definition, objective, { count: 600, seed: 9, noise: 0.02 });
    assert.ok(input.trials.some((t) => !('momentum' in t.params)) && input.trials.some((t) => !('beta2' in t.params)));
    const importance = parameterImportance(input);
    assert.deepEqual(Object.keys(importance).slice(0, 2).sort(), ['momentum', 'optimizer'], JSON.stringify(importance));
    assert.ok((importance.beta2 as number) < 0.02, JSON.stringify(importance));
    assert.ok((importance.seedish as number) < 0.05, JSON.stringify(importance));
  });

  test("a child of a branch the best trials never take gets 0: its parent's choice explains it", () => {
    const objective = (p: ParamValues): number => (p.optimizer === 'adam' ? 0 : 1 + num(p, 'momentum'));
    const input = randomStudy(definition, objective, { count: 200, seed: 10, noise: 0.01 });
    const importance = parameterImportance(input);
    assert.equal(Object.keys(importance)[0], 'optimizer');
    assert.equal(importance.momentum, 0);
  });

  test('every parameter of the space has an entry, even one absent from every trial', () => {
    const input = randomStudy(definition, () => 0, { count: 50, seed: 11, noise: 1 });
    const onlyAdam: ImportanceInput = { ...input, trials: input.trials.filter((t) => t.params.optimizer === 'adam') };
    const importance = parameterImportance(onlyAdam, { minTrials: 5 });
    assert.deepEqual(Object.keys(importance).sort(), ['beta2', 'momentum', 'optimizer', 'seedish']);
    assert.equal(importance.momentum, 0);
    assert.equal(importance.optimizer, 0, 'optimizer never varies among these trials');
  });
});

describe('parameterImportance edge cases', () => {
  test('fewer trials than minTrials give {}', () => {
    const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 19, seed: 12 });
    assert.deepEqual(parameterImportance(input), {});
    assert.deepEqual(parameterImportance({ ...input, trials: [] }, { minTrials: 1 }), {});
    assert.equal(Object.keys(parameterImportance(input, { minTrials: 19 })).length, 3);
  });

  test('trials without a finite value are left out and do not count', () => {
    const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 100, seed: 13 });
    const withBad: ImportanceInput = {
      ...input,
      trials: [
        ...input.trials,
        { params: { x1: 0, x2: 0, x3: 0 }, value: Number.NaN },
        { params: { x1: 1, x2: 1, x3: 1 }, value: -Infinity },
      ],
    };
    assert.deepEqual(parameterImportance(withBad), parameterImportance(input));
    assert.deepEqual(parameterImportance(withBad, { minTrials: 101 }), {});
  });

  test('the result does not depend on the order of the trials', () => {
    const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 300, seed: 14, noise: 0.05 });
    const order = new Rng(99).permutation(input.trials.length);
    const shuffled: ImportanceInput = { ...input, trials: Array.from(order, (i) => input.trials[i] as ImportanceInput['trials'][number]) };
    const expected = parameterImportance(input);
    assert.deepEqual(parameterImportance(shuffled), expected);
    assert.deepEqual(Object.keys(parameterImportance(shuffled)), Object.keys(expected));
    // Ties in the value decide the top set the same way whatever the order.
    const tied: ImportanceInput = { ...input, trials: input.trials.map((t) => ({ params: t.params, value: Math.round(t.value * 4) / 4 })) };
    const tiedShuffled: ImportanceInput = {
      ...tied,
      trials: Array.from(order, (i) => tied.trials[i] as ImportanceInput['trials'][number]),
    };
    assert.deepEqual(parameterImportance(tiedShuffled), parameterImportance(tied));
  });

  test('a parameter that never varies gets 0, and the others still sum to 1', () => {
    const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 100, seed: 15, noise: 0.05 });
    const fixed: ImportanceInput = { ...input, trials: input.trials.map((t) => ({ params: { ...t.params, x3: 0.25 }, value: t.value })) };
    const importance = parameterImportance(fixed);
    assert.equal(importance.x3, 0);
    assert.deepEqual(Object.keys(importance), ['x1', 'x2', 'x3']);
    assert.ok(Math.abs((importance.x1 as number) + (importance.x2 as number) - 1) < 1e-12);
  });

  test('a constant objective shares importance equally among the parameters that vary', () => {
    const input = randomStudy(THREE_FLOATS, () => 1, { count: 40, seed: 16 });
    const fixed: ImportanceInput = { ...input, trials: input.trials.map((t) => ({ params: { ...t.params, x2: 0 }, value: t.value })) };
    assert.deepEqual(parameterImportance(fixed), { x1: 0.5, x3: 0.5, x2: 0 });
  });

  test('is deterministic', () => {
    const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 200, seed: 17, noise: 0.05 });
    assert.deepEqual(parameterImportance(input), parameterImportance(input));
  });

  test('bad options are rejected with a message that names the option', () => {
    const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 30, seed: 18 });
    for (const quantile of [0, -0.1, 1.5, Number.NaN]) {
      assert.throws(() => parameterImportance(input, { quantile }), {
        name: 'InvalidArgumentError',
        message: `options.quantile must be a number in (0, 1], but got ${quantile}.`,
      });
    }
    for (const minTrials of [0, 2.5, -3]) {
      assert.throws(() => parameterImportance(input, { minTrials }), {
        name: 'InvalidArgumentError',
        message: `options.minTrials must be a positive integer, but got ${minTrials}.`,
      });
    }
  });

  test('a larger quantile asks what it takes to reach a wider top set', () => {
    const input = randomStudy(THREE_FLOATS, strongWeakIrrelevant, { count: 400, seed: 19, noise: 0.05 });
    const importance = parameterImportance(input, { quantile: 0.5 });
    assert.deepEqual(Object.keys(importance), ['x1', 'x2', 'x3']);
    assert.deepEqual(parameterImportance(input, { quantile: 1 }), { x1: 1 / 3, x2: 1 / 3, x3: 1 / 3 });
  });
});
