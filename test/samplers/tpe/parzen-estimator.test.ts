import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../../src/random/rng.js';
import { ParzenEstimator, type ParzenOptions } from '../../../src/samplers/tpe/parzen-estimator.js';
import { defaultGamma, defaultWeights } from '../../../src/samplers/tpe/parzen-weights.js';
import { tpeDimension, type TpeDimension } from '../../../src/samplers/tpe/tpe-dimension.js';
import type { ParamSpec } from '../../../src/space/param-spec.js';

const OPTUNA: ParzenOptions = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  weighByBandwidth: false,
};
const MULTIVARIATE: ParzenOptions = { ...OPTUNA, multivariate: true };

function estimator(params: Record<string, ParamSpec>, observations: Record<string, number[]>, options = OPTUNA): ParzenEstimator {
  const dimensions = Object.entries(params).map(([name, param]) => tpeDimension(name, param));
  const internal = dimensions.map((dimension) => {
    const values = observations[dimension.name] ?? [];
    return Float64Array.from(values, (value) => (dimension.kind === 'categorical' ? value : dimension.toInternal(value)));
  });
  return new ParzenEstimator(dimensions, internal, options);
}

function logPdfAt(parzen: ParzenEstimator, internalValues: number[][]): number[] {
  const size = internalValues[0]?.length ?? 0;
  return [
    ...parzen.logPdf(
      internalValues.map((values) => Float64Array.from(values)),
      size,
    ),
  ];
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-12, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((value, i) =>
    assert.ok(
      Math.abs(value - (expected[i] as number)) <= tolerance * Math.max(1, Math.abs(expected[i] as number)),
      `${what}[${i}]: ${value} vs ${expected[i]}`,
    ),
  );
}

/** Trapezoid rule of exp(logPdf) over [low, high] of a one-dimension continuous estimator. */
function integrate(parzen: ParzenEstimator, low: number, high: number, points = 20001): number {
  const xs = Array.from({ length: points }, (_, i) => low + ((high - low) * i) / (points - 1));
  const densities = logPdfAt(parzen, [xs]).map(Math.exp);
  let total = 0;
  for (let i = 1; i < points; i++) total += ((densities[i - 1] as number) + (densities[i] as number)) / 2;
  return total * ((high - low) / (points - 1));
}

describe('Parzen estimator: the maths of Optuna 3.1 (reference numbers printed by optuna._ParzenEstimator)', () => {
  test('univariate bandwidths: larger gap to the sorted neighbours, magic clip, prior at the centre with the full range', () => {
    const parzen = estimator({ x: { type: 'float', low: 0, high: 10, log: false } }, { x: [1, 2.5, 2.6, 7] });
    const { mus, sigmas } = parzen.kernelOf('x');
    assertClose([...mus], [1, 2.5, 2.6, 7, 5], 1e-15, 'mus');
    // 2.5's gaps are 1.5 and 0.1: clipped up to range / (1 + 5 components) = 1.667.
    assertClose([...sigmas], [1.6666666666666667, 1.6666666666666667, 2.4, 2.0, 10.0], 1e-15, 'sigmas');
    assertClose([...parzen.weights], [0.2, 0.2, 0.2, 0.2, 0.2], 1e-15, 'weights');
  });

  test('weights is a copy: changing it changes neither the estimator nor the next one (which shares the weight cache)', () => {
    const param: ParamSpec = { type: 'float', low: 0, high: 10, log: false };
    const first = estimator({ x: param }, { x: [1, 2.5, 2.6, 7] });
    first.weights.fill(99);
    const handedOut = first.weights;
    handedOut[0] = 99;
    assertClose([...first.weights], [0.2, 0.2, 0.2, 0.2, 0.2], 1e-15, 'the same estimator');
    assertClose([...estimator({ x: param }, { x: [3, 4, 5, 6] }).weights], [0.2, 0.2, 0.2, 0.2, 0.2], 1e-15, 'a new estimator');
  });

  test('weighByBandwidth scores exactly as Optuna 3.1 did, up to a constant, while staying a density', () => {
    const observations = { x: [1, 2.5, 2.6, 7] };
    const param: ParamSpec = { type: 'float', low: 0, high: 10, log: false };
    // Optuna 3.1's log_pdf, without the -log(sigma) term (optuna#5109), at these points:
    const optuna31 = [-1.0348730381331235, -0.8333669749085076, -0.7787047565272534, -1.048502094026571, -1.5343384987679218];
    const points = [0, 1, 2.55, 5, 9.9];
    const ours = logPdfAt(estimator({ x: param }, observations, { ...OPTUNA, weighByBandwidth: true }), [points]);
    const offset = (ours[0] as number) - (optuna31[0] as number);
    assertClose(
      ours.map((value) => value - offset),
      optuna31,
      1e-12,
      'shifted log p',
    );
    const plain = logPdfAt(estimator({ x: param }, observations), [points]);
    assert.ok(
      Math.abs((plain[4] as number) - (plain[0] as number) - ((optuna31[4] as number) - (optuna31[0] as number))) > 1e-3,
      'plain weights score differently',
    );
  });

  test('the magic clip keeps identical observations from collapsing to a point', () => {
    const parzen = estimator({ x: { type: 'float', low: 0, high: 10, log: false } }, { x: Array<number>(20).fill(5) });
    const { sigmas } = parzen.kernelOf('x');
    assertClose([...sigmas], [...Array<number>(20).fill(0.45454545454545453), 10], 1e-15, 'sigmas');
  });

  test('multivariate bandwidths: Scott-rule sigma0 * range for every component, in log space for log parameters', () => {
    const parzen = estimator(
      { x: { type: 'float', low: 0, high: 10, log: false }, lr: { type: 'float', low: 1e-3, high: 1, log: true } },
      { x: [1, 2.5, 2.6, 7, 9], lr: [1e-3, 0.01, 0.5, 0.02, 0.2] },
      MULTIVARIATE,
    );
    assertClose([...parzen.kernelOf('x').sigmas], [...Array<number>(5).fill(1.5294489826634603), 10], 1e-14, 'x sigmas');
    assertClose([...parzen.kernelOf('lr').sigmas], [...Array<number>(5).fill(1.0565059283927376), 6.907755278982137], 1e-14, 'lr sigmas');
    assertClose(
      [...parzen.kernelOf('lr').mus],
      [-6.907755278982137, -4.605170185988091, -0.6931471805599453, -3.912023005428146, -1.6094379124341003, -3.4538776394910684],
      1e-14,
      'lr mus',
    );
  });

  test('integers: the probability of each value is the mass of its rounding cell, as Optuna computes it', () => {
    const parzen = estimator({ d: { type: 'int', low: 1, high: 8, log: false, step: 1 } }, { d: [2, 2, 3, 7] });
    assertClose([...parzen.kernelOf('d').sigmas], [1.3333333333333333, 1.3333333333333333, 1.5, 2.5, 8.0], 1e-15, 'sigmas');
    const expected = [
      -1.8817826290243738, -1.562398587976211, -1.63132404469686, -1.981890250963338, -2.371758086992658, -2.5769493735336724,
      -2.64936157463423, -2.740286935856745,
    ];
    assertClose(logPdfAt(parzen, [[1, 2, 3, 4, 5, 6, 7, 8]]), expected, 1e-10, 'log p');
    const total = expected.reduce((sum, logP) => sum + Math.exp(logP), 0);
    assert.ok(Math.abs(total - 1) < 1e-12, `the probabilities sum to 1, got ${total}`);
  });

  test('stepped integers: cells of one step, matching Optuna', () => {
    const parzen = estimator({ b: { type: 'int', low: 16, high: 256, log: false, step: 16 } }, { b: [32, 64, 64, 256] });
    const values = Array.from({ length: 16 }, (_, k) => 16 + 16 * k);
    const expected = [
      -2.4167566458626855, -2.2744335733200653, -2.2193484176142033, -2.2488676702534347, -2.353796560010011, -2.5172199143750875,
      -2.713513632883328, -2.910588660958113, -3.0783884085984363, -3.200446368497174, -3.2780835343195314, -3.323386784228698,
      -3.3497435542635605, -3.367416633102063, -3.3834279229180675, -3.402617815455452,
    ];
    // 1e-8: cells narrow against a component's bandwidth use logCellMass's series (1e-7 bound).
    assertClose(logPdfAt(parzen, [values]), expected, 1e-8, 'log p');
  });

  test('categorical kernel: prior_weight / (n + 1) smoothing on every choice, +1 on the observed one', () => {
    const parzen = estimator({ c: { type: 'categorical', choices: ['a', 'b', 'c'] } }, { c: [0, 2, 2] });
    assertClose(logPdfAt(parzen, [[0, 1, 2]]), [-1.0986122886681098, -1.6582280766035324, -0.7419373447293772], 1e-14, 'log p');
  });

  test('default weights: flat up to 25, then older trials ramp down from 1/n (numpy.linspace)', () => {
    assert.deepEqual([...defaultWeights(10)], Array<number>(10).fill(1));
    const expected = [0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1.0, ...Array<number>(25).fill(1)];
    assertClose([...defaultWeights(30)], expected, 1e-15, 'weights(30)');
    assert.equal(defaultWeights(0).length, 0);
  });

  test('gamma: ceil(0.1 n), at most 25', () => {
    assert.deepEqual([0, 1, 10, 11, 95, 250, 251, 5000].map(defaultGamma), [0, 1, 1, 2, 10, 25, 25, 25]);
  });
});

describe('Parzen estimator: densities are normalised over the domain', () => {
  const cases: [string, ParamSpec, number[]][] = [
    ['a linear float, observations near an edge', { type: 'float', low: -5, high: 10, log: false }, [-4.9, -4.5, 0, 9.99]],
    ['a log float (density in log space)', { type: 'float', low: 1e-5, high: 1, log: true }, [1e-5, 3e-4, 0.2, 0.9]],
  ];
  for (const [multivariate, weighByBandwidth] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    for (const [what, param, observations] of cases) {
      const mode = `${multivariate ? 'multivariate' : 'univariate'}${weighByBandwidth ? ', weighed by bandwidth' : ''}`;
      test(`${what}, ${mode}: integrates to 1 (Optuna 3.1 did not: optuna#5109)`, () => {
        const parzen = estimator({ x: param }, { x: observations }, { ...OPTUNA, multivariate, weighByBandwidth });
        const dimension = tpeDimension('x', param) as Extract<TpeDimension, { kind: 'numeric' }>;
        const total = integrate(parzen, dimension.low, dimension.high);
        assert.ok(Math.abs(total - 1) < 1e-6, `integral ${total}`);
      });
    }
  }

  test('a log-scale integer: the masses of all its integers sum to 1', () => {
    const parzen = estimator(
      { w: { type: 'int', low: 16, high: 1024, log: true, step: 1 } },
      { w: [16, 17, 100, 1000, 1024] },
      MULTIVARIATE,
    );
    const values = Array.from({ length: 1009 }, (_, k) => Math.log(16 + k));
    const total = logPdfAt(parzen, [values]).reduce((sum, logP) => sum + Math.exp(logP), 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `sum ${total}`);
  });

  test('a stepped float: the masses of its grid points sum to 1', () => {
    const parzen = estimator({ d: { type: 'float', low: 0, high: 0.5, log: false, step: 0.05 } }, { d: [0, 0.05, 0.3] });
    const values = Array.from({ length: 11 }, (_, k) => Number((0.05 * k).toFixed(2)));
    const total = logPdfAt(parzen, [values]).reduce((sum, logP) => sum + Math.exp(logP), 0);
    // Narrow cells use a series good to 1e-7 relative (logCellMass); here it is far closer.
    assert.ok(Math.abs(total - 1) < 1e-9, `sum ${total}`);
  });

  test('jointly (multivariate, continuous x categorical): sums over choices of integrals give 1', () => {
    const parzen = estimator(
      { x: { type: 'float', low: 0, high: 1, log: false }, c: { type: 'categorical', choices: ['p', 'q', 'r'] } },
      { x: [0.1, 0.15, 0.8], c: [0, 0, 2] },
      { ...MULTIVARIATE, weighByBandwidth: true },
    );
    const points = 4001;
    let total = 0;
    for (let choice = 0; choice < 3; choice++) {
      const xs = Array.from({ length: points }, (_, i) => i / (points - 1));
      const densities = logPdfAt(parzen, [xs, xs.map(() => choice)]).map(Math.exp);
      for (let i = 1; i < points; i++) total += ((densities[i - 1] as number) + (densities[i] as number)) / 2 / (points - 1);
    }
    assert.ok(Math.abs(total - 1) < 1e-6, `total ${total}`);
  });

  test('samples stay in the domain and follow the mixture (most near the observations)', () => {
    const parzen = estimator({ x: { type: 'float', low: 0, high: 100, log: false } }, { x: Array<number>(30).fill(20) });
    const [samples] = parzen.sample(new Rng(1), 2000);
    const values = [...(samples as Float64Array)];
    assert.ok(values.every((x) => x >= 0 && x <= 100));
    const near = values.filter((x) => Math.abs(x - 20) < 10).length / values.length;
    // 30 of 31 components sit at 20 with sigma 100/31 ≈ 3.2: nearly all their mass is within 10.
    assert.ok(near > 0.85, `share near the observations: ${near}`);
  });
});
