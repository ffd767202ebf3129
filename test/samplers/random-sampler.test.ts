import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RandomSampler } from '../../src/samplers/random-sampler.js';
import type { ParamValues } from '../../src/space/param-spec.js';
import { SearchSpace } from '../../src/space/search-space.js';

const space = SearchSpace.parse({
  optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
  lr: { type: 'float', low: 1e-5, high: 1, log: true },
  dropout: { type: 'float', low: 0, high: 0.5, step: 0.1 },
  width: { type: 'int', low: 16, high: 1024, log: true },
  depth: { type: 'int', low: 0, high: 8, step: 2 },
  momentum: { type: 'float', low: 0, high: 0.99, when: { optimizer: 'sgd' } },
  beta2: { type: 'float', low: 0.9, high: 0.9999, when: { optimizer: ['adam', 'rmsprop'] } },
});

function draw(seed: number, count: number): ParamValues[] {
  const sampler = new RandomSampler(seed);
  return Array.from({ length: count }, (_, trialNumber) => sampler.suggest({ space, direction: 'maximize', trialNumber, trials: [] }));
}

describe('RandomSampler', () => {
  const samples = draw(1, 4000);

  test('every sample fits the space, conditional parameters included', () => {
    for (const params of samples) assert.deepEqual(space.checkValues(params), [], JSON.stringify(params));
  });

  test('log-uniform floats are uniform in log space', () => {
    const logs = samples.map((p) => Math.log10(p.lr as number));
    const belowMiddle = logs.filter((l) => l < -2.5).length / logs.length;
    // Half the mass lies below the log-midpoint 10^-2.5; a uniform draw would put 99.7% above it.
    assert.ok(Math.abs(belowMiddle - 0.5) < 0.04, `share below the log-midpoint: ${belowMiddle}`);
  });

  test('step floats land on the grid and reach both ends', () => {
    const values = new Set(samples.map((p) => p.dropout));
    assert.deepEqual([...values].sort(), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  test('log-scale ints cover the range, weighted towards small values', () => {
    const widths = samples.map((p) => p.width as number);
    assert.ok(widths.every((w) => Number.isInteger(w) && w >= 16 && w <= 1024));
    // 16 owns the log-interval [15.5, 16.5): about 1.5% of draws.
    assert.ok(widths.includes(16), 'the low end is reachable');
    assert.ok(Math.max(...widths) > 900, 'the draws reach near the high end');
    const belowGeometricMiddle = widths.filter((w) => w < 128).length / widths.length;
    assert.ok(Math.abs(belowGeometricMiddle - 0.5) < 0.05, `share below 128: ${belowGeometricMiddle}`);
  });

  test('stepped ints take each grid value about equally often', () => {
    const counts = new Map<number, number>();
    for (const p of samples) counts.set(p.depth as number, (counts.get(p.depth as number) ?? 0) + 1);
    assert.deepEqual(
      [...counts.keys()].sort((a, b) => a - b),
      [0, 2, 4, 6, 8],
    );
    for (const count of counts.values()) assert.ok(Math.abs(count / samples.length - 0.2) < 0.03);
  });

  test('conditional parameters exist exactly when their condition holds', () => {
    for (const p of samples) {
      assert.equal('momentum' in p, p.optimizer === 'sgd');
      assert.equal('beta2' in p, p.optimizer !== 'sgd');
    }
  });

  test('is deterministic per seed and trial number, whatever the order of asking', () => {
    assert.deepEqual(draw(1, 50), samples.slice(0, 50));
    const sampler = new RandomSampler(1);
    const reversed = [49, 48, 47].map((trialNumber) => sampler.suggest({ space, direction: 'maximize', trialNumber, trials: [] }));
    assert.deepEqual(reversed, [samples[49], samples[48], samples[47]]);
    assert.notDeepEqual(draw(2, 50), samples.slice(0, 50));
  });
});
