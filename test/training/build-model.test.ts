import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { EpochReport } from '../../src/core/run-report.js';
import { buildModel } from '../../src/training/build-model.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING, type ModelConfig, type TrainingConfig } from '../../src/training/settings.js';
import { withRegularisation } from '../../src/training/regularisation-loss.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { toTrainingData, type TrainingData } from '../../src/training/training-data.js';
import { trainRun } from '../../src/training/train-run.js';

const MNIST: [number, number, number] = [28, 28, 1];
const MODEL: ModelConfig = { ...DEFAULT_MODEL, depth: 1, width: 32 };
const TRAINING: TrainingConfig = { ...DEFAULT_TRAINING, epochs: 1, learning_rate: 0.005 };

let data: TrainingData;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  // 1,200 digits to train on, 300 to validate.
  const split = await new DatasetCache().load({ name: 'bundled-mnist', limit: 1500, validation: 300, test: 0, seed: 11 });
  data = toTrainingData(split);
});

function train(
  model: Partial<ModelConfig>,
  training: Partial<TrainingConfig> = {},
  seed = 1,
): { outcome: ReturnType<typeof trainRun>; epochs: EpochReport[] } {
  const epochs: EpochReport[] = [];
  const config = { model: { ...MODEL, ...model }, training: { ...TRAINING, ...training } };
  const outcome = trainRun({
    data,
    config,
    seed,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    onEpoch: (r) => epochs.push(r),
    shouldStop: () => false,
  });
  return { outcome, epochs };
}

function withModel<T>(config: Partial<ModelConfig>, use: (model: tf.Sequential) => T, seed = 1): T {
  const model = buildModel({ ...MODEL, ...config }, MNIST, 10, seed);
  try {
    return use(model);
  } finally {
    model.dispose();
  }
}

/** The model's layers after its input layer. */
const layersOf = (model: tf.Sequential): tf.layers.Layer[] => model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
const layerNames = (model: tf.Sequential): string[] => layersOf(model).map((layer) => layer.getClassName());
const kernelShapes = (model: tf.Sequential): number[][] =>
  model.layers.filter((l) => ['Dense', 'Conv2D'].includes(l.getClassName())).map((l) => (l.getWeights()[0] as tf.Tensor).shape);

describe('model structure', () => {
  test('per-layer widths override width, and those beyond depth are ignored', () => {
    withModel({ depth: 3, width: 32, width_2: 8, width_5: 99 }, (model) => {
      assert.deepEqual(kernelShapes(model), [
        [784, 32],
        [32, 8],
        [8, 32],
        [32, 10],
      ]);
    });
    withModel({ depth: 0 }, (model) => assert.deepEqual(kernelShapes(model), [[784, 10]], 'depth 0 is softmax regression'));
  });

  test('batch norm sits between each affine layer and its nonlinearity; the affine layer is then linear', () => {
    withModel({ depth: 2, batch_norm: true, activation: 'tanh' }, (model) => {
      assert.deepEqual(layerNames(model), [
        'Dense',
        'BatchNormalization',
        'Activation',
        'Dense',
        'BatchNormalization',
        'Activation',
        'Dense',
      ]);
      const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
      assert.deepEqual(
        dense.map((l) => l.getConfig()['activation']),
        ['linear', 'linear', 'linear'],
      );
      assert.equal(layersOf(model)[2]?.getConfig()['activation'], 'tanh');
    });
    withModel({ depth: 2, batch_norm: true, activation: 'linear' }, (model) => {
      assert.deepEqual(layerNames(model), ['Dense', 'BatchNormalization', 'Dense', 'BatchNormalization', 'Dense']);
    });
    withModel({ depth: 2 }, (model) => {
      assert.deepEqual(layerNames(model), ['Dense', 'Dense', 'Dense'], 'without batch norm the activation is fused');
      assert.equal(layersOf(model)[0]?.getConfig()['activation'], 'relu');
    });
    withModel({ architecture: 'cnn', conv_layers: 1, depth: 1, batch_norm: true }, (model) => {
      assert.deepEqual(layerNames(model), [
        'Reshape',
        'Conv2D',
        'BatchNormalization',
        'Activation',
        'MaxPooling2D',
        'Flatten',
        'Dense',
        'BatchNormalization',
        'Activation',
        'Dense',
      ]);
    });
  });

  test("reference report 004's CNNs: 5x5 kernels, padding 2 ('same'), max-pool 2, then the dense layers", () => {
    withModel({ architecture: 'cnn', conv_layers: 2, channels_1: 5, channels_2: 10, depth: 1, width: 150 }, (model) => {
      assert.deepEqual(
        kernelShapes(model),
        [
          [5, 5, 1, 5],
          [5, 5, 5, 10],
          [490, 150],
          [150, 10],
        ],
        '10 x 7 x 7 = 490 after two pools',
      );
    });
    withModel({ architecture: 'cnn', conv_layers: 1, channels: 10, depth: 2, width_1: 576, width_2: 160 }, (model) => {
      assert.deepEqual(
        kernelShapes(model),
        [
          [5, 5, 1, 10],
          [1960, 576],
          [576, 160],
          [160, 10],
        ],
        '10 x 14 x 14 = 1960',
      );
    });
    withModel({ architecture: 'cnn', conv_layers: 1, channels: 4, padding: 'valid', pool: 1, kernel: 3, depth: 0 }, (model) => {
      assert.deepEqual(kernelShapes(model), [
        [3, 3, 1, 4],
        [26 * 26 * 4, 10],
      ]);
      assert.ok(!layerNames(model).includes('MaxPooling2D'), 'pool 1 is no pooling');
    });
    assert.throws(() => buildModel({ ...MODEL, architecture: 'cnn', conv_layers: 3, padding: 'valid' }, MNIST, 10, 1), {
      name: 'InvalidArgumentError',
      message: /conv block 3 of 3 leaves no pixels of the 28x28 image \(kernel 5, padding valid, pool 2\)/,
    });
  });

  test("activations: leaky ReLU and ELU take their alphas; SELU is TF.js's (alpha 1.6733, lambda 1.0507)", () => {
    const x = tf.tensor2d([[-1, 2]]);
    const apply = (model: tf.Sequential, layerIndex: number): number[] =>
      Array.from((layersOf(model)[layerIndex]?.apply(x) as tf.Tensor).dataSync());
    withModel({ activation: 'leaky_relu', leaky_alpha: 0.2 }, (model) => {
      assert.deepEqual(layerNames(model), ['Dense', 'LeakyReLU', 'Dense']);
      assert.deepEqual(
        apply(model, 1).map((v) => Number(v.toFixed(6))),
        [-0.2, 2],
      );
    });
    withModel({ activation: 'elu', elu_alpha: 0.5 }, (model) => {
      assert.deepEqual(layerNames(model), ['Dense', 'SweeperElu', 'Dense']);
      const [negative, positive] = apply(model, 1);
      assert.ok(Math.abs((negative ?? 0) - 0.5 * (Math.exp(-1) - 1)) < 1e-6);
      assert.equal(positive, 2);
    });
    withModel({ activation: 'elu' }, (model) => assert.equal(layersOf(model)[0]?.getConfig()['activation'], 'elu', 'alpha 1 stays fused'));
    const selu = tf.selu(tf.tensor1d([-1])).dataSync()[0] ?? 0;
    assert.ok(Math.abs(selu - 1.0507 * 1.6733 * (Math.exp(-1) - 1)) < 1e-3, `selu(-1) = ${selu}`);
    x.dispose();
  });

  test('dropout follows each hidden layer, is seeded, and is off in evaluation', () => {
    withModel({ depth: 2, width: 256, dropout: 0.5 }, (model) => {
      assert.deepEqual(layerNames(model), ['Dense', 'SweeperSeededDropout', 'Dense', 'SweeperSeededDropout', 'Dense']);
      const dropout = layersOf(model)[1] as tf.layers.Layer;
      const ones = tf.ones([8, 256]);
      const digits = tf.randomUniform([8, 784], 0, 1, 'float32', 1);
      const evalA = (model.apply(digits, { training: false }) as tf.Tensor).dataSync();
      const evalB = (model.apply(digits, { training: false }) as tf.Tensor).dataSync();
      assert.deepEqual(evalA, evalB, 'evaluation is deterministic');
      assert.deepEqual(
        Array.from((dropout.apply(ones, { training: false }) as tf.Tensor).dataSync()),
        Array.from(ones.dataSync()),
        'no dropout in evaluation',
      );
      const first = (dropout.apply(ones, { training: true }) as tf.Tensor).dataSync();
      const second = (dropout.apply(ones, { training: true }) as tf.Tensor).dataSync();
      assert.notDeepEqual(first, second, 'a new mask each batch');
      const kept = first.filter((v) => v !== 0);
      assert.ok(
        kept.every((v) => v === 2),
        'kept units are scaled by 1 / (1 - rate)',
      );
      // 2,048 units at rate 0.5: standard error 1.1 %.
      assert.ok(Math.abs(kept.length / first.length - 0.5) < 0.055, `kept ${kept.length} of ${first.length}`);
      tf.dispose([ones, digits]);
    });
    const firstMask = (seed: number): Float32Array =>
      withModel(
        { depth: 1, dropout: 0.5 },
        (model) => (layersOf(model)[1]?.apply(tf.ones([4, 32]), { training: true }) as tf.Tensor).dataSync() as Float32Array,
        seed,
      );
    assert.deepEqual(firstMask(3), firstMask(3), 'the model seed fixes the masks');
    assert.notDeepEqual(firstMask(3), firstMask(4));
  });

  test('L2: the penalty is l2 * (sum of squared kernel weights) and its gradient shrinks the weights', () => {
    withModel({ depth: 1, l2: 0 }, (model) => {
      const loss = tf.scalar(1.5);
      assert.equal(withRegularisation(model, loss), loss, 'no regulariser, nothing added');
    });
    withModel({ depth: 2, l2: 0.01 }, (model) => {
      const kernels = model.layers.map((l) => l.getWeights()[0]).filter((w): w is tf.Tensor => w !== undefined && w.rank === 2);
      const squares = kernels.reduce((sum, w) => sum + (tf.sum(tf.square(w)).dataSync()[0] ?? 0), 0);
      const total = withRegularisation(model, tf.scalar(1.5)).dataSync()[0] ?? 0;
      assert.ok(Math.abs(total - (1.5 + 0.01 * squares)) < 1e-4, `${total} vs ${1.5 + 0.01 * squares}`);
      // With no data loss one SGD step of rate 0.1 multiplies every kernel by 1 - 2 * 0.1 * 0.01.
      const before = (kernels[0] as tf.Tensor).dataSync().slice(0, 5);
      const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
      tf.train.sgd(0.1).minimize(() => withRegularisation(model, tf.scalar(0)), false, weights);
      const after = (model.layers.find((l) => l.getClassName() === 'Dense')?.getWeights()[0] as tf.Tensor).dataSync().slice(0, 5);
      after.forEach((w, i) => assert.ok(Math.abs(w - (before[i] ?? 0) * 0.998) < 1e-6, `${w} vs ${(before[i] ?? 0) * 0.998}`));
    });
  });
});

describe('every model setting trains on real digits', () => {
  test('initialisers, activations, batch norm, dropout, L2 and per-layer widths each learn in one epoch', () => {
    for (const model of [
      { initializer: 'fan_in' },
      { initializer: 'fan_out' },
      { initializer: 'selu', activation: 'selu' },
      { initializer: 'he' },
      { activation: 'leaky_relu', leaky_alpha: 0.1 },
      { activation: 'elu', elu_alpha: 0.5 },
      { activation: 'sigmoid', batch_norm: true },
      { depth: 2, batch_norm: true, dropout: 0.25 },
      { depth: 2, l2: 1e-4 },
      { depth: 3, width: 32, width_1: 64, width_3: 16 },
    ] as Partial<ModelConfig>[]) {
      const { outcome, epochs } = train(model);
      assert.equal(outcome.status, 'finished', JSON.stringify(model));
      assert.ok((epochs[0]?.metrics.valAccuracy ?? 0) > 0.5, `${JSON.stringify(model)}: ${epochs[0]?.metrics.valAccuracy}`);
    }
  });

  test('a CNN learns well above chance in one epoch on 1,200 digits', () => {
    const { outcome, epochs } = train({ architecture: 'cnn', conv_layers: 1, channels: 8, depth: 1, width: 32 }, { batch_size: 32 });
    assert.equal(outcome.status, 'finished');
    assert.ok((epochs[0]?.metrics.valAccuracy ?? 0) > 0.6, `validation accuracy ${epochs[0]?.metrics.valAccuracy}`);
    const bn = train(
      { architecture: 'cnn', conv_layers: 2, channels: 4, depth: 0, batch_norm: true, padding: 'valid' },
      { batch_size: 32 },
    );
    assert.ok((bn.epochs[0]?.metrics.valAccuracy ?? 0) > 0.3, `with batch norm: ${bn.epochs[0]?.metrics.valAccuracy}`);
  });

  test('L2 counts in training: a large penalty holds the model near chance, none lets it learn', () => {
    const free = train({ depth: 1, l2: 0 }, { optimizer: 'sgd', learning_rate: 0.1, epochs: 2 });
    const held = train({ depth: 1, l2: 1 }, { optimizer: 'sgd', learning_rate: 0.1, epochs: 2 });
    assert.ok((free.epochs[1]?.metrics.valAccuracy ?? 0) > 0.8, `l2 0: ${free.epochs[1]?.metrics.valAccuracy}`);
    assert.ok((held.epochs[1]?.metrics.valAccuracy ?? 1) < 0.5, `l2 1: ${held.epochs[1]?.metrics.valAccuracy}`);
  });

  test("dropout and batch norm keep a seed's run reproducible", () => {
    const model = { depth: 2, dropout: 0.3, batch_norm: true };
    const a = train(model, {}, 21).epochs.map((e) => e.metrics.valLoss);
    const b = train(model, {}, 21).epochs.map((e) => e.metrics.valLoss);
    assert.deepEqual(a, b);
  });

  test('no tensors leak with CNNs, batch norm, dropout and L2', () => {
    const before = tf.memory().numTensors;
    train({ architecture: 'cnn', conv_layers: 1, channels: 4, depth: 1, batch_norm: true, dropout: 0.2, l2: 1e-4 });
    assert.equal(tf.memory().numTensors, before);
  });
});
