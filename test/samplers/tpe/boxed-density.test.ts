import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../../src/random/rng.js';
import { TPE_DEFAULTS } from '../../../src/samplers/sampler-spec.js';
import { BoxedDensity, MIN_BOXED_OBSERVATIONS } from '../../../src/samplers/tpe/boxed-density.js';
import { ParzenEstimator, type ParzenOptions } from '../../../src/samplers/tpe/parzen-estimator.js';
import { AboveColumn, type SortedObservations } from '../../../src/samplers/tpe/above-column.js';
import { tpeDimension, type NumericDimension } from '../../../src/samplers/tpe/tpe-dimension.js';

/**
 * BoxedDensity sums g(x) by Hermite moments kept between suggestions. Two things can go wrong:
 * the sum itself (the series, the boxes a point reads, the weights and normalisers), checked
 * against the exact estimator; and the keeping (a box whose components changed but whose
 * moments were not recomputed), checked against a fresh BoxedDensity after every change.
 * Random cases from fixed seeds, so a failure names a case that can be rerun.
 */

/** Within this of the exact log density (absolute, in nats): the series is cut at 1e-13. */
const TOLERANCE = 1e-10;

/** The options a study's TPE gives its estimators. */
const OPTIONS: ParzenOptions = TPE_DEFAULTS;

function continuous(low: number, high: number, log: boolean): NumericDimension {
  const dimension = tpeDimension('x', { type: 'float', low, high, log });
  assert.ok(dimension.kind === 'numeric' && !dimension.discrete);
  return dimension;
}

const DIMENSIONS = [continuous(1e-5, 1, true), continuous(0, 1, false), continuous(-3, 997, false), continuous(0.5, 8, true)];

/** One observation in internal coordinates: spread, clustered (tight groups with empty space between), piled at the bounds, or repeated. */
function draw(rng: Rng, dimension: NumericDimension, shape: string, centres: readonly number[]): number {
  const { low, high } = dimension;
  const uniform = (): number => low + (high - low) * rng.float();
  const centre = centres[Math.floor(rng.float() * centres.length)] ?? low;
  switch (shape) {
    case 'clustered':
      return Math.min(high, Math.max(low, centre + (high - low) * 1e-2 * rng.normal()));
    case 'bounds':
      return rng.float() < 0.3 ? (rng.float() < 0.5 ? low : high) : uniform();
    case 'repeated':
      return rng.float() < 0.5 ? centre : uniform();
    default:
      return uniform();
  }
}

/** A column of observations in trial order (NaN: not a member), as the sampler keeps it: sorted, with ranks. */
function columnOf(inTrialOrder: readonly number[]): AboveColumn {
  const column = new AboveColumn();
  column.update([...inTrialOrder.keys()], (number) => inTrialOrder[number] ?? NaN);
  return column;
}

/** Candidates as the sampler scores them: inside the domain, at its ends, on observations and near them. */
function candidates(rng: Rng, dimension: NumericDimension, values: Float64Array): Float64Array {
  const { low, high } = dimension;
  const at = (): number => values[Math.floor(rng.float() * values.length)] ?? low;
  const points = [low, high, 0.5 * (low + high)];
  for (let i = 0; i < 45; i++) {
    const kind = rng.float();
    if (kind < 0.4) points.push(low + (high - low) * rng.float());
    else if (kind < 0.6) points.push(at());
    else points.push(Math.min(high, Math.max(low, at() + (high - low) * 3e-3 * rng.normal())));
  }
  return Float64Array.from(points);
}

function exact(dimension: NumericDimension, options: ParzenOptions, observations: SortedObservations, points: Float64Array): Float64Array {
  return new ParzenEstimator([dimension], [observations.values], options, observations.ranks).logPdf([points], points.length);
}

function assertClose(actual: Float64Array, expected: Float64Array, what: string, tolerance = TOLERANCE): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const difference = Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN));
    if (!(difference <= tolerance)) assert.fail(`${what}, point ${i}: ${actual[i]} vs exact ${expected[i]} (off by ${difference})`);
  }
}

function assertSameBits(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.deepEqual(
    new BigUint64Array(actual.buffer, actual.byteOffset, actual.length),
    new BigUint64Array(expected.buffer, expected.byteOffset, expected.length),
    what,
  );
}

describe('BoxedDensity: g(x) from moments kept between suggestions', () => {
  test('matches the exact estimator on every shape, scale and option', () => {
    const rng = new Rng(20261207);
    const shapes = ['spread', 'clustered', 'bounds', 'repeated'];
    const sizes = [MIN_BOXED_OBSERVATIONS, 700, 2500, 8000];
    let offClip = 0;
    for (let index = 0; index < 48; index++) {
      const dimension = DIMENSIONS[index % DIMENSIONS.length] as NumericDimension;
      const shape = shapes[Math.floor(index / 4) % shapes.length] ?? 'spread';
      const n = sizes[Math.floor(index / 16) % sizes.length] ?? 512;
      const options: ParzenOptions = {
        ...OPTIONS,
        priorWeight: [1, 0.5, 2][index % 3] ?? 1,
        considerEndpoints: index % 5 === 0,
        weighByBandwidth: index % 2 === 0,
      };
      const centres = [0.1, 0.45, 0.9].map((f) => dimension.low + f * (dimension.high - dimension.low));
      const column = columnOf(Array.from({ length: n }, () => draw(rng, dimension, shape, centres)));
      const observations = column.sorted();
      const points = candidates(rng, dimension, observations.values);
      const boxed = new BoxedDensity(dimension, options).logPdf(column, points, points.length);
      assert.ok(boxed, `case ${index} applies`);
      const what = `case ${index}: n=${n} ${shape} ${dimension.low}..${dimension.high} ${JSON.stringify(options)}`;
      assertClose(boxed, exact(dimension, options, observations, points), what);
      // Components off the clip's bandwidth (next to the wide gaps between clusters) take the one-by-one path.
      const { sigmas } = new ParzenEstimator([dimension], [observations.values], options, observations.ranks).kernelOf('x');
      offClip += sigmas.subarray(0, n).filter((sigma) => sigma !== (dimension.high - dimension.low) / 100).length;
    }
    assert.ok(offClip > 100, `only ${offClip} components off the clip`);
  });

  test('kept between calls: after trials arrive, leave and move in trial order, it equals a fresh one to the bit', () => {
    const rng = new Rng(7);
    const dimension = DIMENSIONS[0] as NumericDimension;
    const { low, high } = dimension;
    const centres = [low + 0.3 * (high - low)];
    // Values by trial number (NaN: not above the split, or without the parameter); a change
    // edits them and tells the kept column which trials changed, as the sampler does.
    const history = Array.from({ length: 900 }, () => draw(rng, dimension, 'clustered', centres));
    const column = columnOf(history);
    const kept = new BoxedDensity(dimension, OPTIONS);
    const set = (number: number, value: number): void => {
      history[number] = value;
      column.update([number], (k) => history[k] ?? NaN);
    };
    const arrive = (value: number): void => set(history.length, value);
    const member = (): number => {
      for (;;) {
        const number = Math.floor(rng.float() * history.length);
        if (!Number.isNaN(history[number])) return number;
      }
    };
    const changes: [string, () => void][] = [
      ['a trial arrives (the newest)', () => arrive(draw(rng, dimension, 'spread', centres))],
      ['three arrive before the density is asked again', () => [1, 2, 3].forEach(() => arrive(draw(rng, dimension, 'clustered', centres)))],
      ["a running trial arrives on another one's value", () => arrive(history[member()] ?? 0)],
      ['a value at the low end (truncated mass, a new first)', () => arrive(low)],
      ["a value beside the prior's mean", () => arrive(0.5 * (low + high) + 1e-9)],
      ['a value alone in an empty stretch (wide neighbour gaps)', () => arrive(low + 0.97 * (high - low))],
      ['two lone values far apart', () => [0.8, 0.9].forEach((f) => arrive(low + f * (high - low)))],
      ['a value between them (both neighbours in other boxes)', () => arrive(low + 0.85 * (high - low))],
      ['the newest leaves (one member crosses back to the newest)', () => set(history.length - 1, NaN)],
      ['an old trial leaves (ranks after it move down)', () => set(member(), NaN)],
      [
        'an old trial comes back (ranks after it move up)',
        () =>
          set(
            history.findIndex((value) => Number.isNaN(value)),
            0.5 * (low + high),
          ),
      ],
      ['nothing changed', () => undefined],
    ];
    for (let round = 0; round < 4; round++) {
      for (const [what, change] of changes) {
        change();
        const points = candidates(rng, dimension, column.sorted().values);
        const fromKept = kept.logPdf(column, points, points.length);
        const fresh = new BoxedDensity(dimension, OPTIONS).logPdf(columnOf(history), points, points.length);
        assert.ok(fromKept && fresh);
        assertSameBits(fromKept, fresh, `round ${round}, after ${what}`);
        assertClose(fromKept, exact(dimension, OPTIONS, column.sorted(), points), `round ${round}, after ${what}`);
      }
    }
  });

  test('a discrete parameter: the mass of the candidate cell, as the exact estimator gives it', () => {
    const rng = new Rng(11);
    const grids = [
      tpeDimension('depth', { type: 'int', low: 1, high: 8, log: false, step: 1 }),
      tpeDimension('width', { type: 'int', low: 16, high: 1024, log: true, step: 1 }),
      tpeDimension('units', { type: 'int', low: 0, high: 1000, log: false, step: 1 }),
      tpeDimension('rate', { type: 'float', low: 0, high: 1, log: false, step: 0.05 }),
    ];
    for (const [index, dimension] of grids.entries()) {
      assert.ok(dimension.kind === 'numeric' && dimension.discrete);
      for (const [n, shape] of [
        [600, 'spread'],
        [5000, 'clustered'],
        [3000, 'bounds'],
      ] as const) {
        const onGrid = (internal: number): number => dimension.toInternal(dimension.toExternal(internal));
        const centres = [0.2, 0.7].map((f) => dimension.low + f * (dimension.high - dimension.low));
        const column = columnOf(Array.from({ length: n }, () => onGrid(draw(rng, dimension, shape, centres))));
        const observations = column.sorted();
        const points = candidates(rng, dimension, observations.values).map(onGrid);
        for (const options of [OPTIONS, { ...OPTIONS, considerEndpoints: true, priorWeight: 2 }]) {
          const boxed = new BoxedDensity(dimension, options).logPdf(column, points, points.length);
          assert.ok(boxed, `${dimension.name} applies`);
          const what = `${dimension.name} (${index}): n=${n} ${shape} ${JSON.stringify(options)}`;
          // The exact path integrates a narrow cell by a series good to 1e-7 (logCellMass).
          assertClose(boxed, exact(dimension, options, observations, points), what, 1e-6);
        }
      }
    }
  });

  test('declines where the boxes do not apply: few observations, or no magic clip', () => {
    const rng = new Rng(3);
    const dimension = DIMENSIONS[1] as NumericDimension;
    const observations = (n: number): AboveColumn => columnOf(Array.from({ length: n }, () => rng.float()));
    const points = Float64Array.of(0.25, 0.5);
    assert.equal(new BoxedDensity(dimension, OPTIONS).logPdf(observations(MIN_BOXED_OBSERVATIONS - 1), points, 2), undefined);
    assert.ok(new BoxedDensity(dimension, OPTIONS).logPdf(observations(MIN_BOXED_OBSERVATIONS), points, 2));
    assert.equal(new BoxedDensity(dimension, { ...OPTIONS, considerMagicClip: false }).logPdf(observations(2000), points, 2), undefined);
  });
});
