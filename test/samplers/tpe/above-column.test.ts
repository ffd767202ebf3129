import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../../src/random/rng.js';
import { TPE_DEFAULTS } from '../../../src/samplers/sampler-spec.js';
import { ParzenEstimator, type ParzenOptions } from '../../../src/samplers/tpe/parzen-estimator.js';
import { AboveColumn, type SortedObservations } from '../../../src/samplers/tpe/above-column.js';
import { tpeDimension } from '../../../src/samplers/tpe/tpe-dimension.js';

/**
 * The univariate estimators of TPE get the observations above the split of a parameter sorted,
 * with their places in trial order, from an AboveColumn kept between suggestions, instead of
 * in trial order. The estimator must be the same mixture either way, for unconditional
 * parameters and for conditional ones, which only some trials have; and a column edited
 * through any sequence of changes must hold what one built afresh would.
 */

const BELOW = 1;
const ABOVE = 2;

/** A fresh column of the trials on the ABOVE side that have a value. */
function freshColumn(values: readonly number[], side: readonly number[]): AboveColumn {
  const column = new AboveColumn();
  column.update([...values.keys()], (number) => (side[number] === ABOVE ? (values[number] ?? NaN) : NaN));
  return column;
}

/** The side's values in trial order, without the trials that lack the parameter. */
function inTrialOrder(values: readonly number[], side: readonly number[]): Float64Array {
  return Float64Array.from(values.filter((value, number) => side[number] === ABOVE && !Number.isNaN(value)));
}

function assertSortedSide(sorted: SortedObservations, trialOrder: Float64Array, what: string): void {
  assert.deepEqual(
    [...sorted.values],
    [...trialOrder].sort((a, b) => a - b),
    `${what}: the side values, sorted`,
  );
  // Each sorted value's place in trial order names that very value.
  sorted.ranks.forEach((rank, k) => assert.equal(trialOrder[rank], sorted.values[k], `${what}: rank of entry ${k}`));
  assert.deepEqual(
    [...sorted.ranks].sort((a, b) => a - b),
    [...trialOrder.keys()],
    `${what}: the places are 0..n-1`,
  );
}

/** The options a study's TPE gives its estimators. */
const OPTIONS: ParzenOptions = TPE_DEFAULTS;

/**
 * A random side for each of `trials` trial numbers (BELOW, ABOVE or neither), and a value for
 * each (NaN where a trial lacks the
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
  return { values, side };
}

describe('AboveColumn: the observations above the split, sorted, with places in trial order', () => {
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
        const { side } = drawn;
        const sorted = freshColumn(values, side).sorted();
        const trialOrder = inTrialOrder(values, side);
        assertSortedSide(sorted, trialOrder, `round ${round}`);
        // Without the magic clip too, which would hide a wrong gap behind its floor.
        const options = { ...OPTIONS, considerMagicClip: round % 3 !== 0, considerEndpoints: round % 5 === 0 };
        const fromSorted = new ParzenEstimator([dimension], [sorted.values], options, sorted.ranks);
        const plain = new ParzenEstimator([dimension], [trialOrder], options);
        const points = Float64Array.from({ length: 50 }, () =>
          dimension.kind === 'numeric' && dimension.discrete ? Math.floor(17 * rng.float()) : rng.float(),
        );
        const a = fromSorted.logPdf([points], points.length);
        const b = plain.logPdf([points], points.length);
        a.forEach((value, i) => assert.ok(Math.abs(value - (b[i] ?? NaN)) <= 1e-12, `point ${points[i]}: ${value} vs ${b[i]}`));
        // The same components: every (mean, bandwidth) of one is in the other.
        const key = (k: { mus: Float64Array; sigmas: Float64Array }): string[] => [...k.mus].map((mu, j) => `${mu}/${k.sigmas[j]}`).sort();
        assert.deepEqual(key(fromSorted.kernelOf('x')), key(plain.kernelOf('x')), 'the same means and bandwidths');
      }
    });
  }

  test('kept through trials arriving, leaving and coming back, and values changing, it holds what a fresh column would', () => {
    for (let round = 0; round < 30; round++) {
      const drawn = randomCase(rng, 50 + Math.floor(rng.float() * 600), round % 2 === 0 ? 0 : 0.3, round % 4);
      const values = [...drawn.values];
      const side = [...drawn.side];
      const kept = freshColumn(values, side);
      for (let step = 0; step < 40; step++) {
        const changed: number[] = [];
        const kind = rng.float();
        const any = (): number => Math.floor(rng.float() * values.length);
        if (kind < 0.4) {
          // A new trial, running (above, with the constant liar), after every other.
          values.push(rng.float() < 0.2 ? NaN : rng.float());
          side.push(ABOVE);
          changed.push(values.length - 1);
        } else if (kind < 0.7) {
          // A trial moves between the sides (a new best pushes one out of the good ones).
          const number = any();
          side[number] = side[number] === ABOVE ? BELOW : ABOVE;
          changed.push(number);
        } else if (kind < 0.85) {
          // A trial's value changes (its row was encoded again).
          const number = any();
          values[number] = rng.float() < 0.2 ? NaN : Math.floor(rng.float() * 8) / 8;
          changed.push(number);
        } else {
          // Many at once: rebuilt instead of edited.
          for (let k = 0; k < 300; k++) {
            const number = any();
            side[number] = rng.float() < 0.8 ? ABOVE : BELOW;
            changed.push(number);
          }
        }
        // Unchanged trials listed too, and twice: they must be no-ops.
        changed.push(any(), changed[0] ?? 0);
        kept.update(changed, (number) => (side[number] === ABOVE ? (values[number] ?? NaN) : NaN));
        const what = `round ${round}, step ${step}`;
        const fresh = freshColumn(values, side).sorted();
        assert.deepEqual([...kept.sorted().values], [...fresh.values], `${what}: values`);
        assert.deepEqual([...kept.sorted().ranks], [...fresh.ranks], `${what}: ranks`);
        assertSortedSide(kept.sorted(), inTrialOrder(values, side), what);
      }
    }
  });
});
