import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { EpochReport } from '../../src/core/run-report.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING, type ModelConfig, type TrainingConfig } from '../../src/training/settings.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { toTrainingData, type TrainingData } from '../../src/training/training-data.js';
import { trainRun } from '../../src/training/train-run.js';

const MODEL: ModelConfig = { ...DEFAULT_MODEL, depth: 1, width: 32 };
const TRAINING: TrainingConfig = { ...DEFAULT_TRAINING, epochs: 3, learning_rate: 0.005 };

let data: TrainingData;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  const split = await new DatasetCache().load({ name: 'bundled-mnist', limit: 1500, validation: 300, test: 0, seed: 5 });
  data = toTrainingData(split);
});

function train(
  model: Partial<ModelConfig>,
  training: Partial<TrainingConfig>,
  seed = 1,
  shouldStop = (): boolean => false,
): { outcome: ReturnType<typeof trainRun>; epochs: EpochReport[] } {
  const epochs: EpochReport[] = [];
  const outcome = trainRun({
    data,
    config: { model: { ...MODEL, ...model }, training: { ...TRAINING, ...training } },
    seed,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    onEpoch: (r) => epochs.push(r),
    shouldStop,
  });
  return { outcome, epochs };
}

describe('training on real digits', () => {
  test('an MLP learns: loss falls, accuracy rises well above chance, every metric is reported', () => {
    const { outcome, epochs } = train({}, {});
    assert.equal(outcome.status, 'finished');
    assert.deepEqual(
      epochs.map((e) => e.epoch),
      [1, 2, 3],
    );
    const first = epochs[0]?.metrics;
    const last = epochs[2]?.metrics;
    assert.ok(first && last);
    assert.ok((last.trainLoss ?? Infinity) < (first.trainLoss ?? 0), 'training loss falls');
    assert.ok((last.valAccuracy ?? 0) > 0.8, `validation accuracy ${last.valAccuracy}`);
    for (const key of ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'learningRate', 'epochSeconds'] as const) {
      assert.ok(Number.isFinite(last[key]), `${key} is reported`);
    }
    assert.equal(last.learningRate, 0.005);
  });

  test('the same seed gives the same curve; another seed another one', () => {
    const a = train({}, { epochs: 2 }, 42).epochs.map((e) => e.metrics.valLoss);
    const b = train({}, { epochs: 2 }, 42).epochs.map((e) => e.metrics.valLoss);
    const c = train({}, { epochs: 2 }, 43).epochs.map((e) => e.metrics.valLoss);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('every depth, activation and learning rule trains', () => {
    for (const [model, training] of [
      [{ depth: 0 }, { optimizer: 'sgd', learning_rate: 0.1 }],
      [
        { depth: 3, activation: 'tanh' },
        { optimizer: 'sgd', learning_rate: 0.05, momentum: 0.9 },
      ],
      [{ activation: 'sigmoid' }, { optimizer: 'adam', beta1: 0.5, beta2: 0.99, epsilon: 1e-6 }],
      [{ activation: 'elu' }, {}],
      [{ activation: 'selu' }, {}],
      [{ activation: 'leaky_relu' }, { batch_size: 128 }],
      [{ activation: 'linear' }, {}],
    ] as [Partial<ModelConfig>, Partial<TrainingConfig>][]) {
      const { outcome, epochs } = train(model, { ...training, epochs: 1 });
      assert.equal(outcome.status, 'finished', JSON.stringify({ model, training }));
      assert.ok((epochs[0]?.metrics.valAccuracy ?? 0) > 0.3, `${JSON.stringify({ model, training })}: ${epochs[0]?.metrics.valAccuracy}`);
    }
  });

  test('a loss that becomes NaN ends the run as diverged, naming the epoch and value', () => {
    const { outcome, epochs } = train({ depth: 2, width: 64 }, { optimizer: 'sgd', learning_rate: 1e5 });
    assert.deepEqual(outcome.status === 'diverged' && [outcome.epoch, outcome.reason], [1, 'diverged at epoch 1: training loss is NaN']);
    assert.deepEqual(epochs, [], 'a diverged epoch is not reported as a result');
  });

  test('a stop request ends the run within a batch', () => {
    let batches = 0;
    const { outcome } = train({}, { epochs: 5 }, 1, () => ++batches >= 3);
    assert.equal(outcome.status, 'stopped');
    assert.equal(batches, 3);
  });

  test('auto picks WebAssembly where @tensorflow/tfjs-node is not installed; asking for tensorflow then fails clearly', async () => {
    let hasTfjsNode = true;
    const optionalPackage = '@tensorflow/tfjs-node';
    try {
      await import(optionalPackage);
    } catch {
      hasTfjsNode = false;
    }
    if (hasTfjsNode) {
      assert.equal(await initBackend('auto'), 'tensorflow');
    } else {
      assert.equal(await initBackend('auto'), 'wasm');
      await assert.rejects(initBackend('tensorflow'), /the tensorflow backend needs @tensorflow\/tfjs-node/);
    }
    assert.equal(await initBackend('wasm'), 'wasm');
  });

  test('no tensors leak across runs', () => {
    const before = tf.memory().numTensors;
    train({ depth: 2 }, { epochs: 1 });
    train({ depth: 2, width: 64 }, { epochs: 1, optimizer: 'sgd', learning_rate: 1e5 });
    assert.equal(tf.memory().numTensors, before);
  });
});
