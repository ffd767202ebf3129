import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nanPercentile } from '../../src/pruners/nan-percentile.js';

describe('nanPercentile', () => {
  test('equals numpy.nanpercentile to the bit (values from numpy 1.24)', () => {
    const cases: [number[], number, number][] = [
      [[0.1, 0.2, 0.7], 33.3, 0.1666],
      [[0.3, 0.1, 0.2], 50, 0.2],
      [[1, 2, 3, 4], 50, 2.5],
      [[0.81, 0.1, 0.33, 0.7, 0.52, 0.6], 75, 0.6749999999999999],
      [[0.81, 0.1, 0.33, 0.7, 0.52, 0.6], 25, 0.3775],
      [[0.1, 0.2], 100, 0.2],
      [[0.1, 0.2], 0, 0.1],
      [[0.1, 0.7], 90, 0.64],
      // numpy interpolates from the upper neighbour when the weight is >= 0.5;
      // 0.42 + 0.5 * 0.75 would give 0.7949999999999999.
      [[0.42, 0.92], 75, 0.795],
    ];
    for (const [values, percentile, expected] of cases) {
      assert.equal(nanPercentile(values, percentile), expected, `${percentile} of ${values.join(', ')}`);
    }
  });

  test('ignores NaN, and is NaN when nothing else is left', () => {
    assert.equal(nanPercentile([Number.NaN, 0.4, 0.2], 50), 0.30000000000000004);
    assert.ok(Number.isNaN(nanPercentile([Number.NaN], 50)));
    assert.ok(Number.isNaN(nanPercentile([], 50)));
  });

  test('does not reorder its input', () => {
    const values = [3, 1, 2];
    nanPercentile(values, 50);
    assert.deepEqual(values, [3, 1, 2]);
  });
});
