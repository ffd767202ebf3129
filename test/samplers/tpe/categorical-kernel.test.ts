import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/random/rng.js';
import { sortedCategoricalLogPdf } from '../../../src/samplers/tpe/categorical-kernel.js';
import { ParzenEstimator } from '../../../src/samplers/tpe/parzen-estimator.js';
import { tpeDimension } from '../../../src/samplers/tpe/tpe-dimension.js';
import { TPE_DEFAULTS } from '../../../src/samplers/sampler-spec.js';

test('a lone categorical from observations sorted by choice gives the estimator over them in trial order (to the bit with under 512)', () => {
  const rng = new Rng(41);
  for (const [choices, n, priorWeight] of [
    [2, 30, 1],
    [7, 257, 0.5],
    [3, 511, 1],
    [4, 512, 1],
    [4, 1000, 1],
    [3, 5000, 2],
  ] as const) {
    const dimension = tpeDimension('c', { type: 'categorical', choices: Array.from({ length: choices }, (_, c) => `choice${c}`) });
    assert.ok(dimension.kind === 'categorical');
    // Skewed towards the first choices, and the last one never observed: its probability is the smoothing alone.
    const inTrialOrder = Float64Array.from({ length: n }, () => Math.floor(rng.float() ** 2 * (choices - 1)));
    const order = [...inTrialOrder.keys()].sort((a, b) => (inTrialOrder[a] ?? 0) - (inTrialOrder[b] ?? 0) || a - b);
    const sorted = { values: Float64Array.from(order, (j) => inTrialOrder[j] ?? NaN), ranks: Int32Array.from(order) };
    const points = Float64Array.from({ length: 2 * choices }, (_, i) => i % choices);
    const options = { ...TPE_DEFAULTS, priorWeight };
    const expected = new ParzenEstimator([dimension], [inTrialOrder], options).logPdf([points], points.length);
    const actual = sortedCategoricalLogPdf(dimension, sorted, priorWeight, points, points.length);
    if (n < 512) {
      // To the bit: choices that tie in exact arithmetic (common early on) must break the tie the same way.
      assert.deepEqual([...actual], [...expected], `${choices} choices, n=${n}`);
    } else {
      // In closed form (ramped weights summed by count and rank): the same to rounding.
      actual.forEach((value, i) =>
        assert.ok(Math.abs(value - (expected[i] ?? NaN)) <= 1e-12, `${choices} choices, n=${n}, point ${i}: ${value} vs ${expected[i]}`),
      );
    }
  }
});
