import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../../src/random/rng.js';
import { ParzenEstimator, type ParzenOptions } from '../../../src/samplers/tpe/parzen-estimator.js';
import { SortedColumns } from '../../../src/samplers/tpe/sorted-columns.js';
import { ABOVE, BELOW, SplitSides } from '../../../src/samplers/tpe/split-sides.js';
import { tpeDimension } from '../../../src/samplers/tpe/tpe-dimension.js';

/**
 * The univariate estimators of TPE get each side's observations of a parameter sorted (from
 * SortedColumns) with their places in trial order (from SplitSides), instead of in trial order.
 * The estimator must be the same mixture either way, for unconditional parameters and for
 * conditional ones, which only some trials of a side have.
 */

const OPTIONS: ParzenOptions = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  weighByBandwidth: true,
};

/**
 * A random split of `trials` trial numbers, and a value for each (NaN where a trial lacks the
 * parameter): on a grid of eighths (ties, and values equal to the prior's mean 0.5), anywhere,
 * or all on one side of the prior's mean (which then sorts first or last).
 */
function randomCase(rng: Rng, trials: number, missing: number, shape: number) {
  const values = Array.from({ length: trials }, () => {
    if (rng.float() < missing) return NaN;
    const u = rng.float();
    return [Math.floor(u * 8) / 8, u, 0.4 * u, 0.6 + 0.4 * u][shape] ?? u;
  });
  const side = Array.from({ length: trials }, () => (rng.float() < 0.2 ? BELOW : rng.float() < 0.9 ? ABOVE : 0));
  const numbersOf = (which: number): number[] => side.flatMap((s, number) => (s === which ? [number] : []));
  return { values, below: numbersOf(BELOW), above: numbersOf(ABOVE) };
}

describe('SplitSides: a side of a split, sorted, with places in trial order', () => {
  const rng = new Rng(7);
  const dimensions = [
    tpeDimension('x', { type: 'float', low: 0, high: 1, log: false }),
    // A discrete one: its components share (mean, bandwidth) pairs, found another way when sorted.
    tpeDimension('x', { type: 'int', low: 0, high: 16, log: false, step: 1 }),
  ];

  for (const [missing, what] of [
    [0, 'an unconditional parameter'],
    [0.4, 'a conditional parameter (40% of trials lack it)'],
  ] as const) {
    test(`${what}: the same values, and an estimator equal to the one over the side in trial order`, () => {
      for (let round = 0; round < 80; round++) {
        const dimension = dimensions[round % 2] as (typeof dimensions)[number];
        const drawn = randomCase(rng, 1 + Math.floor(rng.float() * (round < 40 ? 6 : 300)), missing, Math.floor(round / 2) % 4);
        // On the integer grid: 16 times the value, rounded.
        const values = drawn.values.map((value) => (dimension.kind === 'numeric' && dimension.discrete ? Math.round(16 * value) : value));
        const { below, above } = drawn;
        const columns = new SortedColumns(1);
        values.forEach((value, number) => columns.update(number, Float64Array.of(value)));
        const column = columns.column(0);
        const sides = SplitSides.of(below, above);
        const both = sides.sort(column.values, column.numbers);
        for (const [side, numbers] of [
          [BELOW, below],
          [ABOVE, above],
        ] as const) {
          const sorted = side === BELOW ? both.below : both.above;
          const inTrialOrder = Float64Array.from(numbers.map((number) => values[number] as number).filter((value) => !Number.isNaN(value)));
          assert.deepEqual(
            [...sorted.values],
            [...inTrialOrder].sort((a, b) => a - b),
            'the side values, sorted',
          );
          // Each sorted value's place in trial order names that very value.
          sorted.ranks.forEach((rank, k) => assert.equal(inTrialOrder[rank], sorted.values[k]));
          assert.deepEqual(
            [...sorted.ranks].sort((a, b) => a - b),
            [...inTrialOrder.keys()],
            'the places are 0..n-1',
          );

          // Without the magic clip too, which would hide a wrong gap behind its floor.
          const options = { ...OPTIONS, considerMagicClip: round % 3 !== 0, considerEndpoints: round % 5 === 0 };
          const fromSorted = new ParzenEstimator([dimension], [sorted.values], options, sorted.ranks);
          const plain = new ParzenEstimator([dimension], [inTrialOrder], options);
          const points = Float64Array.from({ length: 50 }, () =>
            dimension.kind === 'numeric' && dimension.discrete ? Math.floor(17 * rng.float()) : rng.float(),
          );
          const a = fromSorted.logPdf([points], points.length);
          const b = plain.logPdf([points], points.length);
          a.forEach((value, i) => assert.ok(Math.abs(value - (b[i] ?? NaN)) <= 1e-12, `point ${points[i]}: ${value} vs ${b[i]}`));
          // The same components: every (mean, bandwidth) of one is in the other.
          const key = (k: { mus: Float64Array; sigmas: Float64Array }): string[] =>
            [...k.mus].map((mu, j) => `${mu}/${k.sigmas[j]}`).sort();
          assert.deepEqual(key(fromSorted.kernelOf('x')), key(plain.kernelOf('x')), 'the same means and bandwidths');
        }
      }
    });
  }
});
