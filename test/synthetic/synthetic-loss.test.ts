import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../src/random/rng.js';
import { samplePrior } from '../../src/samplers/sample-prior.js';
import type { ParamSpec, ParamValues, SearchSpaceDefinition } from '../../src/space/param-spec.js';
import { valueProblem } from '../../src/space/value-problem.js';
import { syntheticLoss } from '../../src/synthetic/synthetic-loss.js';
import { syntheticMetrics } from '../../src/synthetic/synthetic-metrics.js';
import { defaultOptimum } from '../../src/synthetic/synthetic-optimum.js';
import { syntheticTaskFromSection } from '../../src/synthetic/synthetic-section.js';
import type { SyntheticTask } from '../../src/synthetic/synthetic-task.js';

const space: SearchSpaceDefinition = {
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  x: { type: 'float', low: -1, high: 3, log: false },
  width: { type: 'int', low: 16, high: 256, log: true, step: 1 },
  opt: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
  momentum: { type: 'float', low: 0, high: 0.9, log: false, when: { opt: ['sgd'] } },
};

function taskWith(section: { epochs?: number; noise?: number; optimum?: Record<string, string | number> } = {}): SyntheticTask {
  const built = syntheticTaskFromSection({ epochs: 5, ...section }, space);
  if ('problems' in built) assert.fail(JSON.stringify(built.problems));
  return built.task;
}

/** Draws configurations as the random sampler would, conditional parameters included. */
function randomConfigs(count: number, seed: number): ParamValues[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const params: Record<string, string | number | boolean> = {};
    for (const [name, param] of Object.entries(space)) {
      if (Object.entries(param.when ?? {}).every(([parent, allowed]) => allowed.includes(params[parent] as string)))
        params[name] = samplePrior(param, rng);
    }
    return params;
  });
}

const order = (values: readonly number[]): number[] =>
  values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));

describe('syntheticLoss', () => {
  const task = taskWith();

  test('the default optimum: the middle of each range (in log space on a log scale), the first choice', () => {
    assert.ok(Math.abs((task.optimum.lr as number) - 0.01) < 1e-12);
    assert.equal(task.optimum.x, 1);
    assert.equal(task.optimum.width, 64, 'sqrt(16 * 256), on the integer grid');
    assert.equal(task.optimum.opt, 'sgd');
    assert.equal(task.optimum.momentum, 0.45);
    assert.deepEqual(task.scales.lr, { low: 1e-4, high: 1, log: true });
    assert.deepEqual(task.scales.opt, { choices: ['sgd', 'adam', 'rmsprop'] });
  });

  test('is 0 at the optimum and positive elsewhere', () => {
    assert.equal(syntheticLoss(task, task.optimum), 0);
    assert.equal(syntheticLoss(task, { ...task.optimum, x: 1.5 }), (0.5 / 4) ** 2);
    for (const params of randomConfigs(50, 1)) assert.ok(syntheticLoss(task, params) > 0);
  });

  test('a numeric distance is a fraction of the range; a log scale measures it in log space', () => {
    assert.equal(syntheticLoss(task, { x: 3 }), 0.25, '(3 - 1) / (3 - -1) = 0.5, squared');
    assert.equal(syntheticLoss(task, { x: -1 }), 0.25);
    const below = syntheticLoss(task, { lr: 1e-3 });
    const above = syntheticLoss(task, { lr: 1e-1 });
    assert.ok(Math.abs(below - 0.0625) < 1e-12, `a decade is a quarter of four decades: ${below}`);
    assert.ok(Math.abs(above - below) < 1e-12, 'a decade either side weighs the same');
  });

  test('a categorical parameter costs 0 at the optimum choice and 1 at any other', () => {
    assert.equal(syntheticLoss(task, { opt: 'sgd' }), 0);
    assert.equal(syntheticLoss(task, { opt: 'adam' }), 1);
    assert.equal(syntheticLoss(taskWith({ optimum: { opt: 'rmsprop' } }), { opt: 'sgd' }), 1);
  });

  test('sums over the parameters the trial has: an absent conditional parameter costs nothing', () => {
    assert.equal(syntheticLoss(task, { x: 3, opt: 'adam' }), 1.25);
    assert.equal(syntheticLoss(task, { x: 3, opt: 'sgd', momentum: 0.9 }), 0.25 + 0.25);
    assert.equal(syntheticLoss(task, {}), 0);
  });

  test('values that do not fit the task are refused, naming the parameter', () => {
    assert.throws(() => syntheticLoss(task, { y: 1 }), {
      name: 'InvalidArgumentError',
      message: 'parameter y is not a parameter of the synthetic task (expected one of: lr, x, width, opt, momentum)',
    });
    assert.throws(() => syntheticLoss(task, { x: 'far' }), { message: 'parameter x must be a finite number, but got "far"' });
    assert.throws(() => syntheticLoss(task, { lr: 0 }), { message: 'parameter lr must be > 0 on its log scale, but got 0' });
    assert.throws(() => syntheticLoss(task, { opt: 'lbfgs' }), {
      message: 'parameter opt must be one of "sgd", "adam", "rmsprop", but got "lbfgs"',
    });
  });
});

describe('syntheticMetrics', () => {
  test('without noise: val_loss = L + 1/epoch, train_loss = 0.9 val_loss, accuracy = 1 / (1 + loss)', () => {
    const task = taskWith();
    const params = { x: 3, opt: 'adam' };
    for (let epoch = 1; epoch <= 5; epoch++) {
      const valLoss = 1.25 + 1 / epoch;
      assert.deepEqual(syntheticMetrics(task, params, 7, epoch), {
        trainLoss: 0.9 * valLoss,
        trainAccuracy: 1 / (1 + 0.9 * valLoss),
        valLoss,
        valAccuracy: 1 / (1 + valLoss),
      });
    }
    assert.equal(syntheticMetrics(task, task.optimum, 7, 4).valLoss, 0.25, 'the optimum approaches 0');
  });

  test('every epoch ranks configurations as the final loss does', () => {
    const task = taskWith();
    const configs = randomConfigs(40, 2);
    const final = order(configs.map((params) => syntheticLoss(task, params)));
    for (let epoch = 1; epoch <= task.epochs; epoch++) {
      const metrics = configs.map((params) => syntheticMetrics(task, params, 3, epoch));
      assert.deepEqual(order(metrics.map((m) => m.valLoss as number)), final, `epoch ${epoch}, val_loss`);
      assert.deepEqual(order(metrics.map((m) => -(m.valAccuracy as number))), final, `epoch ${epoch}, val_accuracy`);
      assert.deepEqual(order(metrics.map((m) => m.trainLoss as number)), final, `epoch ${epoch}, train_loss`);
    }
  });

  test('noise is deterministic in the seed, the epoch and the configuration', () => {
    const task = taskWith({ noise: 0.1 });
    const params = { x: 2, opt: 'sgd', momentum: 0.3 };
    assert.deepEqual(
      syntheticMetrics(task, params, 11, 2),
      syntheticMetrics(task, { momentum: 0.3, opt: 'sgd', x: 2 }, 11, 2),
      'same seed and configuration, same numbers',
    );
    const clean = syntheticLoss(task, params) + 1 / 2;
    const noiseOf = (p: ParamValues, seed: number, epoch: number): number =>
      (syntheticMetrics(task, p, seed, epoch).valLoss as number) - syntheticLoss(task, p) - 1 / epoch;
    assert.notEqual(noiseOf(params, 11, 2), 0);
    assert.notEqual(noiseOf(params, 11, 2), noiseOf(params, 12, 2), 'another seed (repeat), other noise');
    assert.notEqual(noiseOf(params, 11, 2), noiseOf(params, 11, 3), 'another epoch, other noise');
    assert.notEqual(noiseOf(params, 11, 2), noiseOf({ ...params, x: 2.5 }, 11, 2), 'another configuration, other noise');
    assert.equal(syntheticMetrics(task, params, 11, 2).trainLoss, 0.9 * clean, 'training metrics carry no noise');
  });

  test('noise has the configured spread, and never pushes metrics out of range', () => {
    const task = taskWith({ noise: 0.1 });
    const params = { x: 1, opt: 'sgd', momentum: 0.45 };
    const draws = Array.from({ length: 2000 }, (_, seed) => (syntheticMetrics(task, params, seed, 1).valLoss as number) - 1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
    assert.ok(Math.abs(mean) < 0.01 && Math.abs(sd - 0.1) < 0.01, `mean ${mean}, sd ${sd}`);

    const wild = taskWith({ noise: 10 });
    for (let seed = 0; seed < 500; seed++) {
      const m = syntheticMetrics(wild, params, seed, 5);
      assert.ok((m.valLoss as number) >= 0 && (m.trainLoss as number) >= 0);
      for (const accuracy of [m.valAccuracy, m.trainAccuracy]) assert.ok((accuracy as number) >= 0 && (accuracy as number) <= 1);
    }
  });
});

describe('defaultOptimum', () => {
  test('is a value the parameter can take, on its step grid', () => {
    const params: ParamSpec[] = [
      { type: 'float', low: 0, high: 0.9, log: false, step: 0.3 },
      { type: 'int', low: 1, high: 10, log: false, step: 3 },
      { type: 'int', low: 8, high: 32, log: false, step: 8 },
      { type: 'int', low: 1, high: 1000, log: true, step: 1 },
      { type: 'float', low: 0.001, high: 0.1, log: true },
    ];
    for (const param of params) assert.equal(valueProblem(param, defaultOptimum(param)), undefined, JSON.stringify(param));
    assert.equal(defaultOptimum({ type: 'int', low: 8, high: 32, log: false, step: 8 }), 24, 'the middle (20) rounded to the grid');
    assert.equal(defaultOptimum({ type: 'int', low: 1, high: 1000, log: true, step: 1 }), 32, 'sqrt(1000) rounded');
    assert.equal(defaultOptimum({ type: 'categorical', choices: [true, false] }), true);
  });
});
