import type { ParamValues, SearchSpaceDefinition } from '../src/space/param-spec.js';

/**
 * The objectives of the search-quality benchmark, all minimised. Each one is implemented again,
 * line for line, in bench/python/test_functions.py; the benchmark checks at start that both give
 * the same values on the same points, so a difference in results is the samplers', never the
 * functions'.
 */
export interface TestFunction {
  readonly name: string;
  readonly space: SearchSpaceDefinition;
  /** The global minimum, as published (to the digits given there). */
  readonly minimum: number;
  /** A point where the minimum is reached (one of them, for Branin). */
  readonly minimiser: ParamValues;
  evaluate(params: ParamValues): number;
}

const num = (params: ParamValues, name: string): number => {
  const value = params[name];
  if (typeof value !== 'number') throw new TypeError(`parameter ${name} must be a number, but got ${String(value)}`);
  return value;
};

const float = (low: number, high: number) => ({ type: 'float', low, high, log: false }) as const;

/** Branin-Hoo on [-5, 10] x [0, 15]; three global minima of 0.397887. */
const branin: TestFunction = {
  name: 'branin',
  space: { x1: float(-5, 10), x2: float(0, 15) },
  minimum: 0.397887,
  minimiser: { x1: Math.PI, x2: 2.275 },
  evaluate(params) {
    const x1 = num(params, 'x1');
    const x2 = num(params, 'x2');
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const HARTMANN_NAMES = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'];

/** Hartmann-6 on [0, 1]^6: six dimensions, four local minima, global minimum -3.32237. */
const hartmann6: TestFunction = {
  name: 'hartmann6',
  space: Object.fromEntries(HARTMANN_NAMES.map((name) => [name, float(0, 1)])),
  minimum: -3.32237,
  minimiser: { x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 },
  evaluate(params) {
    const x = HARTMANN_NAMES.map((name) => num(params, name));
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) {
        inner += (HARTMANN_A[i]?.[j] ?? 0) * ((x[j] ?? 0) - (HARTMANN_P[i]?.[j] ?? 0) * 1e-4) ** 2;
      }
      sum += (HARTMANN_ALPHA[i] ?? 0) * Math.exp(-inner);
    }
    return -sum;
  },
};

/**
 * Rosenbrock in 4-d on [-5, 10]^4, shifted so that its minimum (0) is at ROSENBROCK_SHIFT
 * instead of (1, 1, 1, 1): off-centre and away from any grid a sampler might favour.
 */
const ROSENBROCK_SHIFT = [7.1, -2.3, 4.4, 0.6];
const ROSENBROCK_NAMES = ['x1', 'x2', 'x3', 'x4'];
const rosenbrock: TestFunction = {
  name: 'rosenbrock4',
  space: Object.fromEntries(ROSENBROCK_NAMES.map((name) => [name, float(-5, 10)])),
  minimum: 0,
  minimiser: Object.fromEntries(ROSENBROCK_NAMES.map((name, i) => [name, ROSENBROCK_SHIFT[i] ?? 0])),
  evaluate(params) {
    const z = ROSENBROCK_NAMES.map((name, i) => num(params, name) - (ROSENBROCK_SHIFT[i] ?? 0) + 1);
    let sum = 0;
    for (let i = 0; i + 1 < z.length; i++) {
      const zi = z[i] ?? 0;
      sum += 100 * ((z[i + 1] ?? 0) - zi ** 2) ** 2 + (1 - zi) ** 2;
    }
    return sum;
  },
};

/**
 * A small hyperparameter-like space: a categorical `model` chooses which sub-function applies,
 * each with its own conditional parameters, plus an int and a log-scale float shared by both.
 *   quadratic (a, b in [-5, 5]):             (a - 1.5)^2 + (b + 0.5)^2                 min 0
 *   wave (c in [0, 10], shape smooth|sharp): 0.5 + 0.05 (c - 7)^2
 *                                            + 0.3 (1 - cos(2 pi (c - 7)))             min 0.5
 *                                            + 0.25 if shape = sharp
 *   plus 0.1 (layers - 3)^2 (layers int in 1..8) and 0.5 (log10(lr) + 2.5)^2 (lr in 1e-5..1, log).
 * Global minimum 0 at model = quadratic, a = 1.5, b = -0.5, layers = 3, lr = 10^-2.5; the wave
 * branch's best is 0.5, so a sampler must learn which branch is better.
 */
const mixed: TestFunction = {
  name: 'mixed',
  space: {
    model: { type: 'categorical', choices: ['quadratic', 'wave'] },
    a: { ...float(-5, 5), when: { model: ['quadratic'] } },
    b: { ...float(-5, 5), when: { model: ['quadratic'] } },
    c: { ...float(0, 10), when: { model: ['wave'] } },
    shape: { type: 'categorical', choices: ['smooth', 'sharp'], when: { model: ['wave'] } },
    layers: { type: 'int', low: 1, high: 8, log: false, step: 1 },
    lr: { type: 'float', low: 1e-5, high: 1, log: true },
  },
  minimum: 0,
  minimiser: { model: 'quadratic', a: 1.5, b: -0.5, layers: 3, lr: 10 ** -2.5 },
  evaluate(params) {
    let value: number;
    if (params.model === 'quadratic') {
      value = (num(params, 'a') - 1.5) ** 2 + (num(params, 'b') + 0.5) ** 2;
    } else {
      const c = num(params, 'c');
      value = 0.5 + 0.05 * (c - 7) ** 2 + 0.3 * (1 - Math.cos(2 * Math.PI * (c - 7))) + (params.shape === 'sharp' ? 0.25 : 0);
    }
    return value + 0.1 * (num(params, 'layers') - 3) ** 2 + 0.5 * (Math.log10(num(params, 'lr')) + 2.5) ** 2;
  },
};

export const TEST_FUNCTIONS: readonly TestFunction[] = [branin, hartmann6, rosenbrock, mixed];
