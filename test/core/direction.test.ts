import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  boundWording,
  compareBestFirst,
  isAtLeastAsGood,
  isBetter,
  lossSign,
  percentileFromLowest,
  sqlBest,
  sqlOrder,
  worstValue,
} from '../../src/core/direction.js';

describe('direction', () => {
  test('isBetter is strict, and NaN is worse than any number', () => {
    assert.equal(isBetter(2, 1, 'maximize'), true);
    assert.equal(isBetter(1, 2, 'minimize'), true);
    assert.equal(isBetter(1, 1, 'maximize'), false, 'a tie is not better');
    assert.equal(isBetter(1, 1, 'minimize'), false, 'a tie is not better');
    for (const direction of ['maximize', 'minimize'] as const) {
      assert.equal(isBetter(Number.NaN, 1, direction), false);
      assert.equal(isBetter(1, Number.NaN, direction), true);
      assert.equal(isBetter(Number.NEGATIVE_INFINITY, Number.NaN, direction), true);
      assert.equal(isBetter(Number.NaN, Number.NaN, direction), false);
    }
  });

  test('isAtLeastAsGood counts a tie, and never holds with NaN', () => {
    assert.equal(isAtLeastAsGood(1, 1, 'maximize'), true);
    assert.equal(isAtLeastAsGood(1, 1, 'minimize'), true);
    assert.equal(isAtLeastAsGood(2, 1, 'maximize'), true);
    assert.equal(isAtLeastAsGood(2, 1, 'minimize'), false);
    for (const direction of ['maximize', 'minimize'] as const) {
      assert.equal(isAtLeastAsGood(Number.NaN, 1, direction), false);
      assert.equal(isAtLeastAsGood(1, Number.NaN, direction), false);
    }
  });

  test('compareBestFirst sorts the best first, ties compare as 0', () => {
    assert.deepEqual(
      [1, 3, 2].sort((a, b) => compareBestFirst(a, b, 'maximize')),
      [3, 2, 1],
    );
    assert.deepEqual(
      [1, 3, 2].sort((a, b) => compareBestFirst(a, b, 'minimize')),
      [1, 2, 3],
    );
    assert.equal(compareBestFirst(0.5, 0.5, 'maximize') || 7, 7);
  });

  test('the sign, worst value, percentile, wording and SQL of each direction', () => {
    assert.equal(lossSign('minimize'), 1);
    assert.equal(lossSign('maximize'), -1);
    assert.equal(worstValue('maximize'), Number.NEGATIVE_INFINITY);
    assert.equal(worstValue('minimize'), Number.POSITIVE_INFINITY);
    assert.equal(percentileFromLowest(25, 'minimize'), 25);
    assert.equal(percentileFromLowest(25, 'maximize'), 75);
    assert.equal(boundWording('maximize'), 'at least');
    assert.equal(boundWording('minimize'), 'at most');
    assert.equal(sqlOrder('maximize'), 'DESC');
    assert.equal(sqlOrder('minimize'), 'ASC');
    assert.equal(sqlBest('maximize'), 'MAX');
    assert.equal(sqlBest('minimize'), 'MIN');
  });
});
