import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gridKey, gridPoints } from '../../src/samplers/grid-points.js';
import { GridSampler } from '../../src/samplers/grid-sampler.js';
import type { TrialSnapshot } from '../../src/samplers/sampler.js';
import type { ParamValues } from '../../src/space/param-spec.js';
import { SearchSpace } from '../../src/space/search-space.js';

const SPACE = SearchSpace.fromDefinition({
  optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
  learning_rate: { type: 'categorical', choices: [0.005, 0.01, 0.05, 0.1, 0.2, 0.4] },
  momentum: { type: 'float', low: 0, high: 0.9, log: false, step: 0.3, when: { optimizer: ['sgd'] } },
  depth: { type: 'int', low: 2, high: 8, log: false, step: 2 },
});
// adam: 6 rates x 4 depths; sgd: 6 x 4 momenta x 4 depths.
const SIZE = 6 * 4 + 6 * 4 * 4;

function ask(sampler: GridSampler, history: TrialSnapshot[]): ParamValues | undefined {
  return sampler.suggest({ space: SPACE, direction: 'maximize', trialNumber: history.length, trials: history });
}

describe('grid sampler', () => {
  test('the grid is the Cartesian product, a conditional parameter multiplying only its own branch', () => {
    const points = gridPoints(SPACE);
    assert.equal(points.length, SIZE);
    assert.equal(new Set(points.map((p) => gridKey(SPACE, p))).size, SIZE);
    assert.ok(points.every((p) => SPACE.checkValues(p).length === 0));
    assert.deepEqual([...new Set(points.filter((p) => p.optimizer === 'sgd').map((p) => p.momentum))].sort(), [0, 0.3, 0.6, 0.9]);
  });

  test('every point once, in a seeded shuffled order, then exhausted', () => {
    const sampler = new GridSampler(3);
    const history: TrialSnapshot[] = [];
    for (let n = 0; n < SIZE; n++) {
      const params = ask(sampler, history);
      assert.ok(params, `point ${n}`);
      history.push({ number: n, state: 'COMPLETE', params, value: 0 });
    }
    assert.equal(new Set(history.map((t) => gridKey(SPACE, t.params))).size, SIZE, 'no point repeated');
    assert.equal(ask(sampler, history), undefined, 'exhausted');
    // Shuffled: not the product's own order; and the order follows the seed.
    const firstTen = history.slice(0, 10).map((t) => gridKey(SPACE, t.params));
    assert.notDeepEqual(
      firstTen,
      gridPoints(SPACE)
        .slice(0, 10)
        .map((p) => gridKey(SPACE, p)),
    );
    const other = new GridSampler(4);
    assert.notDeepEqual(ask(other, []), history[0]?.params);
    assert.deepEqual(ask(new GridSampler(3), []), history[0]?.params);
  });

  test('resumes: a new sampler over the same history continues without repeating any trial, whatever its state', () => {
    const first = new GridSampler(9);
    const history: TrialSnapshot[] = [];
    const states: TrialSnapshot['state'][] = ['COMPLETE', 'FAILED', 'PRUNED', 'RUNNING', 'QUEUED'];
    for (let n = 0; n < 40; n++)
      history.push({ number: n, state: states[n % states.length] as TrialSnapshot['state'], params: ask(first, history) as ParamValues });
    const resumed = new GridSampler(9);
    const rest: ParamValues[] = [];
    for (let params = ask(resumed, history); params; params = ask(resumed, history)) {
      rest.push(params);
      history.push({ number: history.length, state: 'COMPLETE', params, value: 1 });
    }
    assert.equal(rest.length, SIZE - 40);
    assert.equal(new Set(history.map((t) => gridKey(SPACE, t.params))).size, SIZE);
  });

  test('a continuous parameter has no grid', () => {
    const space = SearchSpace.fromDefinition({ lr: { type: 'float', low: 0.001, high: 0.1, log: true } });
    assert.throws(() => gridPoints(space), /lr must have a finite set of values for grid search/);
  });
});
