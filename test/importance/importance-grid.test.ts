import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gridProbabilities } from '../../src/importance/grid-parzen-estimator.js';
import { importanceGrid, MAX_GRID_POINTS } from '../../src/importance/importance-grid.js';

describe('importanceGrid', () => {
  test('a continuous float gets 50 evenly spaced points; a value goes to the nearest', () => {
    const grid = importanceGrid({ type: 'float', low: 0, high: 49, log: false });
    assert.equal(grid.size, MAX_GRID_POINTS);
    assert.deepEqual(
      [0, 0.49, 0.51, 10.2, 48.6, 49].map((x) => grid.binOf(x)),
      [0, 0, 1, 10, 49, 49],
    );
    // Halfway between two points goes to the lower one, as numpy's searchsorted does.
    assert.equal(grid.binOf(2.5), 2);
  });

  test('a log-scale float is cut evenly in log space', () => {
    const grid = importanceGrid({ type: 'float', low: 1e-5, high: 1, log: true });
    assert.equal(grid.size, 50);
    assert.equal(grid.binOf(1e-5), 0);
    assert.equal(grid.binOf(1), 49);
    // 10^-2.5 is the log-midpoint: halfway along the grid, not near its start.
    assert.ok([24, 25].includes(grid.binOf(10 ** -2.5) as number));
    assert.equal(grid.binOf(0), undefined);
  });

  test('stepped parameters keep one point per value when they have fewer than 50', () => {
    assert.equal(importanceGrid({ type: 'int', low: 1, high: 4, log: false, step: 1 }).size, 4);
    assert.equal(importanceGrid({ type: 'int', low: 0, high: 1000, log: false, step: 1 }).size, 50);
    const dropout = importanceGrid({ type: 'float', low: 0, high: 0.5, log: false, step: 0.1 });
    assert.equal(dropout.size, 6);
    assert.deepEqual(
      [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5].map((x) => dropout.binOf(x)),
      [0, 1, 2, 3, 4, 5],
    );
  });

  test('a log-scale int gets ceil(log2(high - low + 1)) + 1 points in log space', () => {
    const grid = importanceGrid({ type: 'int', low: 16, high: 1024, log: true, step: 1 });
    assert.equal(grid.size, Math.ceil(Math.log2(1009)) + 1);
    assert.equal(grid.binOf(16), 0);
    assert.equal(grid.binOf(1024), grid.size - 1);
  });

  test('a categorical has one point per choice, and none for an unknown value', () => {
    const grid = importanceGrid({ type: 'categorical', choices: ['a', 1, true] });
    assert.equal(grid.size, 3);
    assert.deepEqual(
      ['a', 1, true, 'b', '1'].map((x) => grid.binOf(x)),
      [0, 1, 2, undefined, undefined],
    );
  });

  test('values outside the range go to the end points; non-numbers belong nowhere', () => {
    const grid = importanceGrid({ type: 'float', low: 0, high: 1, log: false });
    assert.equal(grid.binOf(-3), 0);
    assert.equal(grid.binOf(7), 49);
    assert.equal(grid.binOf('0.5'), undefined);
    assert.equal(grid.binOf(Number.NaN), undefined);
  });
});

describe('gridProbabilities', () => {
  const sum = (values: Float64Array): number => values.reduce((a, b) => a + b, 0);

  test('sums to 1, numeric and categorical', () => {
    for (const counts of [[5, 0, 0, 2, 9], [0, 0, 1], [100, 0], Array.from({ length: 50 }, (_, i) => i % 7)]) {
      for (const kind of ['numeric', 'categorical'] as const) {
        const p = gridProbabilities(kind, Float64Array.from(counts));
        assert.ok(Math.abs(sum(p) - 1) < 1e-12, `${kind} ${counts.join(',')}: ${sum(p)}`);
        assert.ok(
          p.every((x) => x > 0),
          'the prior keeps every point possible',
        );
      }
    }
  });

  test('categorical: frequencies with a uniform prior of weight 1', () => {
    const p = gridProbabilities('categorical', Float64Array.from([3, 0, 1]));
    const expected = [3 + 1 / 3, 1 / 3, 1 + 1 / 3].map((x) => x / 5);
    p.forEach((x, j) => assert.ok(Math.abs(x - (expected[j] as number)) < 1e-15));
  });

  test('numeric: mass concentrates around the observations and spreads as they do', () => {
    const narrow = new Float64Array(50);
    narrow[20] = 40;
    const p = gridProbabilities('numeric', narrow);
    // One value: Scott's bandwidth is 0, so the minimum (0.5/1.64 steps) holds 90% in the cell.
    assert.ok((p[20] as number) > 0.85, `p[20] = ${p[20]}`);
    const wide = new Float64Array(50);
    for (let k = 10; k < 30; k++) wide[k] = 2;
    const q = gridProbabilities('numeric', wide);
    assert.ok((q[20] as number) < 0.1 && (q[20] as number) > (q[45] as number) * 5);
  });
});
