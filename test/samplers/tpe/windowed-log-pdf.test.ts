import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../../src/random/rng.js';
import { scottBandwidth } from '../../../src/samplers/tpe/bandwidth.js';
import { bandwidthLogWeights, componentWeights, reorderWeights } from '../../../src/samplers/tpe/component-weights.js';
import { mixtureLogPdf } from '../../../src/samplers/tpe/mixture-log-pdf.js';
import { numericKernel, type NumericKernel } from '../../../src/samplers/tpe/numeric-kernel.js';
import { ParzenEstimator, type ParzenOptions } from '../../../src/samplers/tpe/parzen-estimator.js';
import { tpeDimension, type NumericDimension } from '../../../src/samplers/tpe/tpe-dimension.js';
import { contributionWindow, continuousLogPdfAt } from '../../../src/samplers/tpe/windowed-log-pdf.js';

/**
 * The windowed fast path skips blocks of components whose terms the log-sum-exp would skip
 * anyway, so it must give the general mixture's result to the last bit: a TPE suggestion
 * compares these densities, and a recorded case replays only if every bit is the same.
 * Random cases from a fixed seed, so a failure names a case that can be rerun.
 */

interface Case {
  readonly what: string;
  readonly dimension: NumericDimension;
  readonly options: ParzenOptions;
  /** Observations sorted ascending (ties in trial order) and each one's place in trial order. */
  readonly sorted: Float64Array;
  readonly ranks: Int32Array;
  readonly points: Float64Array;
}

function numericDimension(rng: Rng): NumericDimension {
  const log = rng.float() < 0.4;
  // A log scale needs a positive low (the search space refuses others).
  const low = log ? ([1e-5, 0.5, 1][Math.floor(rng.float() * 3)] ?? 1) : ([0, -3, 0.5][Math.floor(rng.float() * 3)] ?? 0);
  const high = low + ([1, 10, 7.5, 1000][Math.floor(rng.float() * 4)] ?? 1);
  const dimension = tpeDimension('x', { type: 'float', low, high, log });
  assert.ok(dimension.kind === 'numeric' && !dimension.discrete);
  return dimension;
}

/** Observations in internal coordinates: spread, clustered (where the window skips most), all equal, or piled at the bounds. */
function observations(rng: Rng, dimension: NumericDimension, n: number, shape: string): Float64Array {
  const { low, high } = dimension;
  const uniform = (): number => low + (high - low) * rng.float();
  const centres = [uniform(), uniform(), uniform()];
  const one = uniform();
  return Float64Array.from({ length: n }, () => {
    switch (shape) {
      case 'equal':
        return one;
      case 'bounds':
        return rng.float() < 0.5 ? (rng.float() < 0.5 ? low : high) : uniform();
      case 'clustered': {
        const centre = centres[Math.floor(rng.float() * centres.length)] ?? low;
        return Math.min(high, Math.max(low, centre + (high - low) * 1e-3 * rng.normal()));
      }
      case 'repeated':
        return centres[Math.floor(rng.float() * centres.length)] ?? low;
      default:
        return uniform();
    }
  });
}

/** Where to evaluate: anywhere in the domain, at its bounds, on and between observations, just outside. */
function points(rng: Rng, dimension: NumericDimension, sorted: Float64Array): Float64Array {
  const { low, high } = dimension;
  const at = (): number => sorted[Math.floor(rng.float() * sorted.length)] ?? low;
  const values = [low, high, 0.5 * (low + high), low - 1e-9 * (high - low), high + 0.25 * (high - low)];
  for (let i = 0; i < 40; i++) {
    const kind = rng.float();
    if (kind < 0.4) values.push(low + (high - low) * rng.float());
    else if (kind < 0.6) values.push(at());
    else if (kind < 0.8) values.push(0.5 * (at() + at()));
    else values.push(at() + (high - low) * 1e-4 * rng.normal());
  }
  return Float64Array.from(values);
}

function randomCase(rng: Rng, index: number): Case {
  const dimension = numericDimension(rng);
  const sizes = [1, 1, 2, 3, 31, 32, 33, 64, 65, 100, 257, 1000, 3000];
  const n = sizes[index % sizes.length] ?? 1;
  const shapes = ['spread', 'clustered', 'equal', 'bounds', 'repeated'];
  const shape = shapes[Math.floor(rng.float() * shapes.length)] ?? 'spread';
  const inTrialOrder = observations(rng, dimension, n, shape);
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => (inTrialOrder[a] ?? 0) - (inTrialOrder[b] ?? 0) || a - b);
  const options: ParzenOptions = {
    priorWeight: [1, 0.5, 2, 1e-3][Math.floor(rng.float() * 4)] ?? 1,
    considerMagicClip: rng.float() < 0.7,
    considerEndpoints: rng.float() < 0.3,
    multivariate: rng.float() < 0.2,
    weighByBandwidth: rng.float() < 0.5,
  };
  const sorted = Float64Array.from(order, (j) => inTrialOrder[j] ?? NaN);
  const what = `case ${index}: n=${n} ${shape} ${dimension.low}..${dimension.high} ${JSON.stringify(options)}`;
  return { what, dimension, options, sorted, ranks: Int32Array.from(order), points: points(rng, dimension, sorted) };
}

/** The kernel and density weights as ParzenEstimator builds them for sorted observations. */
function sortedKernel({ dimension, options, sorted, ranks }: Case): { kernel: NumericKernel; logWeights: Float64Array } {
  const n = sorted.length;
  const kernel = numericKernel(dimension, 0, sorted, options.multivariate ? scottBandwidth(n, 1) : undefined, options, true);
  const weights = reorderWeights(componentWeights(n, options.priorWeight), ranks);
  return { kernel, logWeights: options.weighByBandwidth ? bandwidthLogWeights(weights, [kernel.sigmas]) : weights.logWeights };
}

/** The same IEEE-754 bits (Object.is alone would let two NaNs of different payloads pass). */
function assertSameBits(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new BigUint64Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new BigUint64Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i])
      assert.fail(`${what}, point ${i}: ${actual[i]} vs ${expected[i]} (bits ${a[i]?.toString(16)} vs ${e[i]?.toString(16)})`);
  }
}

describe('windowed log-pdf: the fast path gives the general mixture to the last bit', () => {
  const rng = new Rng(20261205);
  const cases = Array.from({ length: 260 }, (_, index) => randomCase(rng, index));

  test('windowed, unwindowed and the general mixture agree on every point of every random case', () => {
    let skipping = 0;
    for (const testCase of cases) {
      const { kernel, logWeights } = sortedKernel(testCase);
      const row = new Float64Array(logWeights.length);
      const window = contributionWindow(kernel, logWeights);
      const windowed = testCase.points.map((x) => continuousLogPdfAt(kernel, x, logWeights, row, window));
      const unwindowed = testCase.points.map((x) => continuousLogPdfAt(kernel, x, logWeights, row));
      const general = mixtureLogPdf(
        { continuous: [kernel], discrete: [], categorical: [] },
        logWeights,
        [testCase.points],
        testCase.points.length,
      );
      assertSameBits(windowed, general, `windowed vs general, ${testCase.what}`);
      assertSameBits(unwindowed, general, `unwindowed vs general, ${testCase.what}`);
      if (window.peaks.length > 1) skipping++;
    }
    assert.ok(skipping > 100, `only ${skipping} cases had blocks to skip`);
  });

  test('the estimator takes the windowed path for sorted observations and gives the same bits', () => {
    for (const testCase of cases) {
      const { kernel, logWeights } = sortedKernel(testCase);
      const general = mixtureLogPdf(
        { continuous: [kernel], discrete: [], categorical: [] },
        logWeights,
        [testCase.points],
        testCase.points.length,
      );
      const estimator = new ParzenEstimator([testCase.dimension], [testCase.sorted], testCase.options, testCase.ranks);
      assertSameBits(estimator.logPdf([testCase.points], testCase.points.length), general, `estimator vs general, ${testCase.what}`);
    }
  });
});
