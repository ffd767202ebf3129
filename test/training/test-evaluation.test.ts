import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { EpochReport, RunOutcome } from '../../src/core/run-report.js';
import { bestEpoch } from '../../src/core/objective.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING, type ModelConfig, type TrainingConfig } from '../../src/training/settings.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { toTrainingData, type TrainingData } from '../../src/training/training-data.js';
import { trainRun } from '../../src/training/train-run.js';

const MODEL: ModelConfig = { ...DEFAULT_MODEL, depth: 1, width: 32 };
const TRAINING: TrainingConfig = { ...DEFAULT_TRAINING, epochs: 3, learning_rate: 0.005 };
const TEST_COUNT = 300;

let withTest: TrainingData;
let withoutTest: TrainingData;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  const cache = new DatasetCache();
  withTest = toTrainingData(await cache.load({ name: 'bundled-mnist', limit: 1500, validation: 300, test: TEST_COUNT, seed: 5 }));
  withoutTest = toTrainingData(await cache.load({ name: 'bundled-mnist', limit: 1500, validation: 300, test: 0, seed: 5 }));
});

function train(
  data: TrainingData,
  training: Partial<TrainingConfig>,
  shouldStop = (): boolean => false,
): { outcome: RunOutcome; epochs: EpochReport[] } {
  const epochs: EpochReport[] = [];
  const outcome = trainRun({
    data,
    config: { model: MODEL, training: { ...TRAINING, ...training } },
    seed: 11,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    onEpoch: (report) => epochs.push(report),
    shouldStop,
  });
  return { outcome, epochs };
}

function testOf(outcome: RunOutcome): NonNullable<Extract<RunOutcome, { status: 'finished' }>['test']> {
  assert.ok(outcome.status === 'finished' || outcome.status === 'stopped', `outcome ${outcome.status}`);
  return outcome.test ?? assert.fail('the run has a test evaluation');
}

describe('the test-set evaluation at the end of a run', () => {
  test('holds the confusion matrix of every test example, consistent with the accuracy', () => {
    const evaluation = testOf(train(withTest, {}).outcome);
    const test = { ...evaluation, confusion: evaluation.confusion ?? assert.fail('the evaluation has a confusion matrix') };
    assert.equal(test.confusion.length, 10);
    assert.ok(test.confusion.every((row) => row.length === 10));
    const total = test.confusion.flat().reduce((a, b) => a + b, 0);
    const correct = test.confusion.reduce((sum, row, k) => sum + (row[k] ?? 0), 0);
    assert.equal(total, TEST_COUNT);
    assert.equal(test.accuracy, correct / TEST_COUNT);
    assert.ok(test.accuracy > 0.7, `test accuracy ${test.accuracy}`);
    assert.ok(Number.isFinite(test.loss) && test.loss > 0);
  });

  test("uses the best epoch's weights: the same as a run that ended at that epoch", () => {
    const long = train(withTest, { epochs: 4 });
    const best = bestEpoch(
      long.epochs.map((e) => e.metrics),
      'val_accuracy',
      'maximize',
    ).epoch;
    const test = testOf(long.outcome);
    assert.equal(test.epoch, best);
    // Training is deterministic for a seed, so the run cut at the best epoch holds the same weights.
    const cut = testOf(train(withTest, { epochs: best }).outcome);
    assert.deepEqual(
      { loss: test.loss, accuracy: test.accuracy, confusion: test.confusion },
      { loss: cut.loss, accuracy: cut.accuracy, confusion: cut.confusion },
    );
  });

  test('a run stopped during epoch 2 is evaluated with epoch 1', () => {
    let batches = 0;
    const batchesPerEpoch = Math.ceil(900 / TRAINING.batch_size);
    const { outcome } = train(withTest, {}, () => ++batches >= batchesPerEpoch + 3);
    assert.equal(outcome.status, 'stopped');
    assert.equal(testOf(outcome).epoch, 1);
  });

  test('without a test part there is no evaluation, and nothing leaks either way', () => {
    const before = tf.memory().numTensors;
    const { outcome } = train(withoutTest, { epochs: 1 });
    assert.equal(outcome.status === 'finished' && outcome.test, undefined);
    train(withTest, { epochs: 2 });
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('learning rules and batch sizes', () => {
  test('RMSprop trains, and its decay (rho) matters', () => {
    const a = train(withoutTest, { optimizer: 'rmsprop', learning_rate: 0.001, rho: 0.9, epochs: 1 }).epochs;
    const b = train(withoutTest, { optimizer: 'rmsprop', learning_rate: 0.001, rho: 0.5, epochs: 1 }).epochs;
    assert.ok((a[0]?.metrics.valAccuracy ?? 0) > 0.6, `val accuracy ${a[0]?.metrics.valAccuracy}`);
    assert.notEqual(a[0]?.metrics.valLoss, b[0]?.metrics.valLoss);
  });

  test('a batch-size change at epoch 3 leaves epochs 1 and 2 as they were and changes epoch 3', () => {
    const plain = train(withoutTest, { epochs: 3 }).epochs.map((e) => e.metrics.valLoss);
    const changed = train(withoutTest, { epochs: 3, batch_size_change_epoch: 3, batch_size_after: 300 }).epochs.map(
      (e) => e.metrics.valLoss,
    );
    assert.deepEqual(changed.slice(0, 2), plain.slice(0, 2));
    assert.notEqual(changed[2], plain[2]);
  });
});
