import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../src/training/build-model.js';
import { DEFAULT_MODEL, INITIALIZERS, type InitializerName, type ModelConfig } from '../../src/training/settings.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { kernelFans, kernelInitializer } from '../../src/training/weight-initializer.js';

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
});

/** The reference report's distribution of each initialiser for a kernel with these fans. */
function expected(name: InitializerName, nIn: number, nOut: number): { kind: 'uniform'; limit: number } | { kind: 'normal'; std: number } {
  switch (name) {
    case 'glorot':
      return { kind: 'uniform', limit: Math.sqrt(6 / (nIn + nOut)) };
    case 'fan_in':
      return { kind: 'uniform', limit: Math.sqrt(3 / nIn) };
    case 'fan_out':
      return { kind: 'uniform', limit: Math.sqrt(3 / nOut) };
    case 'selu':
      return { kind: 'normal', std: Math.sqrt(1 / nIn) };
    case 'he':
      return { kind: 'normal', std: Math.sqrt(2 / nIn) };
  }
}

function sample(name: InitializerName, shape: number[], seed: number): Float32Array {
  return tf.tidy(() => kernelInitializer(name, shape, seed).apply(shape, 'float32').dataSync() as Float32Array);
}

function moments(values: Float32Array): { mean: number; std: number; maxAbs: number } {
  let sum = 0;
  let maxAbs = 0;
  for (const v of values) {
    sum += v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length), maxAbs };
}

describe('weight initialisers (reference report 000 definitions)', () => {
  // 784 x 300 = 235,200 weights. Tolerances are 5 standard errors at this size: for the mean
  // sigma / sqrt(N); for the sample std, relative sqrt((kurtosis - 1) / 4N): kurtosis 1.8 for a
  // uniform (0.09 %), 3 for a normal (0.15 %). A normal truncated at 2 sigma, as TF.js's
  // varianceScaling 'normal' draws, has a std 12 % low and nothing beyond 2 sigma: it fails.
  const [nIn, nOut] = [784, 300];
  const n = nIn * nOut;

  for (const name of INITIALIZERS) {
    test(`${name}: bound, mean and spread of a ${nIn}x${nOut} kernel`, () => {
      const values = sample(name, [nIn, nOut], 17);
      const { mean, std, maxAbs } = moments(values);
      const want = expected(name, nIn, nOut);
      if (want.kind === 'uniform') {
        const sigma = want.limit / Math.sqrt(3);
        assert.ok(maxAbs <= want.limit * (1 + 1e-6), `max |w| ${maxAbs} within the limit ${want.limit}`);
        // P(all |w| < 0.999 limit) = 0.999^N, about e^-235.
        assert.ok(maxAbs >= want.limit * 0.999, `max |w| ${maxAbs} reaches the limit ${want.limit}`);
        assert.ok(Math.abs(mean) < (5 * sigma) / Math.sqrt(n), `mean ${mean}`);
        assert.ok(Math.abs(std / sigma - 1) < 5 * Math.sqrt(0.8 / (4 * n)), `std ${std}, expected ${sigma}`);
      } else {
        assert.ok(Math.abs(mean) < (5 * want.std) / Math.sqrt(n), `mean ${mean}`);
        assert.ok(Math.abs(std / want.std - 1) < 5 * Math.sqrt(2 / (4 * n)), `std ${std}, expected ${want.std}`);
        // Not truncated: 4.55 % of a normal lies beyond 2 sigma (standard error 0.043 %).
        const beyond = values.filter((v) => Math.abs(v) > 2 * want.std).length / n;
        assert.ok(Math.abs(beyond - 0.0455) < 5 * Math.sqrt((0.0455 * 0.9545) / n), `share beyond 2 sigma ${beyond}`);
      }
    });
  }

  test('the same seed gives the same weights, another seed others', () => {
    for (const name of INITIALIZERS) {
      assert.deepEqual(sample(name, [50, 40], 3), sample(name, [50, 40], 3), name);
      assert.notDeepEqual(sample(name, [50, 40], 3), sample(name, [50, 40], 4), name);
    }
  });

  test('conv kernels count fans over the receptive field: n_in = kh * kw * c_in, n_out = kh * kw * c_out', () => {
    assert.deepEqual(kernelFans([5, 5, 3, 16]), { fanIn: 75, fanOut: 400 });
    assert.deepEqual(kernelFans([784, 100]), { fanIn: 784, fanOut: 100 });
    const build = (initializer: InitializerName): tf.Sequential =>
      buildModel(
        { ...DEFAULT_MODEL, architecture: 'cnn', conv_layers: 2, channels_1: 8, channels_2: 16, initializer, depth: 0 },
        [28, 28, 1],
        10,
        5,
      );
    for (const [initializer, layerIndex, limit] of [
      ['fan_in', 0, Math.sqrt(3 / 25)], // first conv: 5 x 5 x 1 inputs
      ['fan_in', 1, Math.sqrt(3 / 200)], // second conv: 5 x 5 x 8
      ['fan_out', 1, Math.sqrt(3 / 400)], // second conv: 5 x 5 x 16 outputs
    ] as const) {
      const model = build(initializer);
      const kernels = model.layers.filter((layer) => layer.getClassName() === 'Conv2D');
      const values = (kernels[layerIndex]?.getWeights()[0] as tf.Tensor).dataSync() as Float32Array;
      const { maxAbs } = moments(values);
      // 200 to 3,200 draws: P(all below 0.9 of the limit) is at most 0.9^200, about 1e-9.
      assert.ok(
        maxAbs <= limit * (1 + 1e-6) && maxAbs >= limit * 0.9,
        `${initializer} conv ${layerIndex + 1}: max |w| ${maxAbs}, limit ${limit}`,
      );
      model.dispose();
    }
  });

  test('every layer is seeded apart: layers of the same shape differ; the model seed fixes them all', () => {
    const config: ModelConfig = { ...DEFAULT_MODEL, depth: 3, width: 64 };
    const kernels = (seed: number): Float32Array[] => {
      const model = buildModel(config, [28, 28, 1], 10, seed);
      const values = model.layers
        .filter((layer) => layer.getClassName() === 'Dense')
        .map((layer) => (layer.getWeights()[0] as tf.Tensor).dataSync() as Float32Array);
      model.dispose();
      return values;
    };
    const a = kernels(9);
    assert.notDeepEqual(a[1], a[2], 'hidden layers 2 and 3 ([64, 64] each) differ');
    assert.deepEqual(kernels(9), a);
    assert.notDeepEqual(kernels(10)[0], a[0]);
  });
});
