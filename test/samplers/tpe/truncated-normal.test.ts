import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalCdf } from '../../../src/samplers/tpe/normal-cdf.js';
import {
  logCellMass,
  logGaussMass,
  logNdtr,
  truncatedNormalLogPdf,
  truncatedNormalPpf,
} from '../../../src/samplers/tpe/truncated-normal.js';

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('standard normal maths', () => {
  test('Φ matches reference values in the body and both tails', () => {
    // Reference values: 0.5 * erfc(-x / √2) from Python's math.erfc (the C library's).
    const cases: [number, number][] = [
      [0, 0.5],
      [-1, 0.15865525393145707],
      [1.96, 0.9750021048517795],
      [-5, 2.866515718791946e-7],
      [-10, 7.619853024160593e-24],
      [-30, 4.906713927148764e-198],
    ];
    for (const [x, expected] of cases)
      assert.ok(relativeError(normalCdf(x), expected) < 5e-13, `Φ(${x}) = ${normalCdf(x)}, expected ${expected}`);
  });

  test('log Φ stays finite and accurate where Φ underflows (asymptotic series)', () => {
    // log Φ(-40) from Optuna's _log_ndtr (the same series); log Φ(30) and log Φ(8) from math.erfc.
    assert.ok(relativeError(logNdtr(-40), -804.6084420137538) < 1e-13, `${logNdtr(-40)}`);
    assert.ok(relativeError(logNdtr(-30), Math.log(4.906713927148764e-198)) < 1e-13);
    assert.ok(Math.abs(logNdtr(8) - -6.220960574271819e-16) < 1e-28);
  });

  test('mass on an interval: central, left and right tails agree with Φ differences', () => {
    assert.ok(Math.abs(logGaussMass(-1, 1) - Math.log(0.6826894921370859)) < 1e-14);
    assert.ok(relativeError(logGaussMass(-12, -11), Math.log(1.9106418096775624e-28)) < 1e-12);
    assert.equal(logGaussMass(3, 4), logGaussMass(-4, -3));
  });

  test('narrow cells: the series agrees with the exact mass', () => {
    for (const [a, width] of [
      [0, 0.1],
      [-3, 0.05],
      [5.5, 0.01],
      [-0.05, 0.1],
    ] as const) {
      const series = logCellMass(a, a + width);
      const exact = logGaussMass(a, a + width);
      assert.ok(Math.abs(series - exact) < 1e-7, `cell [${a}, ${a + width}]: ${series} vs ${exact}`);
    }
    for (const a of [-4.1, -2, 0.3, 3.75]) {
      const series = logCellMass(a, a + 0.25);
      const exact = logGaussMass(a, a + 0.25);
      assert.ok(Math.abs(series - exact) < 1e-6, `cell [${a}, ${a + 0.25}]: ${series} vs ${exact}`);
    }
  });

  test('the truncated quantile function inverts the truncated CDF, also in a far tail', () => {
    for (const [a, b] of [
      [-2, 3],
      [1, 4],
      [-50, -45],
      [8, 12],
    ] as const) {
      for (const q of [1e-9, 0.1, 0.5, 0.9, 1 - 1e-9]) {
        const x = truncatedNormalPpf(q, a, b);
        assert.ok(x >= a && x <= b, `ppf(${q}) on [${a}, ${b}] = ${x}`);
        const back = Math.exp(logGaussMass(a, x) - logGaussMass(a, b));
        assert.ok(Math.abs(back - q) < 1e-8 * Math.max(1, q), `CDF(ppf(${q})) on [${a}, ${b}] = ${back}`);
      }
    }
  });

  test('truncated log density: -Infinity outside, and the scale term included', () => {
    assert.equal(truncatedNormalLogPdf(11, 5, 2, 0, 10), -Infinity);
    // Untruncated in effect (bounds 50 sigma away): equals the plain normal's log density.
    const plain = -0.5 * ((3 - 5) / 2) ** 2 - 0.5 * Math.log(2 * Math.PI) - Math.log(2);
    assert.ok(Math.abs(truncatedNormalLogPdf(3, 5, 2, -95, 105) - plain) < 1e-14);
  });
});
