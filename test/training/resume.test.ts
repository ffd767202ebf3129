import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { EpochReport, RunOutcome } from '../../src/core/run-report.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/training/checkpoint/checkpoint-codec.js';
import type { TrainingState } from '../../src/training/checkpoint/training-state.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING, type ModelConfig, type TrainingConfig } from '../../src/training/settings.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { toTrainingData, type TrainingData } from '../../src/training/training-data.js';
import { trainRun } from '../../src/training/train-run.js';

/**
 * Exact resume (issue 16, point 3, within one thread): a run that goes on from its checkpoint at
 * epoch 2 of 4 reports, epoch for epoch, bit for bit the metrics of a run never interrupted, and
 * the same test evaluation of the same best epoch. Only the epochs' durations may differ.
 */
let data: TrainingData;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  const split = await new DatasetCache().load({ name: 'bundled-mnist', limit: 1200, validation: 300, test: 200, seed: 7 });
  data = toTrainingData(split);
});

interface Run {
  readonly outcome: RunOutcome;
  readonly epochs: EpochReport[];
  readonly checkpoints: TrainingState[];
}

function run(model: Partial<ModelConfig>, training: Partial<TrainingConfig>, resumeFrom?: TrainingState, final = true): Run {
  const epochs: EpochReport[] = [];
  const checkpoints: TrainingState[] = [];
  const outcome = trainRun({
    data,
    config: { model: { ...DEFAULT_MODEL, ...model }, training: { ...DEFAULT_TRAINING, epochs: 4, ...training } },
    seed: 3,
    objective: { metric: 'val_loss', direction: 'minimize' },
    onEpoch: (report) => epochs.push(report),
    shouldStop: () => false,
    ...(resumeFrom !== undefined && { resumeFrom }),
    checkpoint: { every: 1, final, save: (state) => checkpoints.push(state) },
  });
  return { outcome, epochs, checkpoints };
}

/** An epoch's metrics without its duration, the one thing a resumed run may change. */
function timeless(report: EpochReport): Record<string, unknown> {
  return { epoch: report.epoch, ...report.metrics, epochSeconds: undefined };
}

const CASES: [string, Partial<ModelConfig>, Partial<TrainingConfig>][] = [
  ['MLP, plain SGD', { depth: 1, width: 32 }, { optimizer: 'sgd', learning_rate: 0.05, momentum: 0 }],
  [
    'MLP, momentum, L2, a batch-size change at epoch 3',
    { depth: 2, width: 32, l2: 1e-4 },
    { optimizer: 'sgd', learning_rate: 0.05, momentum: 0.9, batch_size: 32, batch_size_change_epoch: 3, batch_size_after: 128 },
  ],
  ['MLP, Adam, dropout', { depth: 2, width: 48, dropout: 0.3 }, { optimizer: 'adam', learning_rate: 0.002 }],
  [
    'MLP, RMSprop, the mi_relative schedule',
    { depth: 1, width: 32 },
    { optimizer: 'rmsprop', learning_rate: 0.001, lr_schedule: 'mi_relative', lr_min: 0.0005, lr_max: 0.005, mi_samples: 200 },
  ],
  [
    'CNN, batch norm, momentum',
    { architecture: 'cnn', conv_layers: 1, channels: 4, depth: 1, width: 16, batch_norm: true },
    { optimizer: 'sgd', learning_rate: 0.05, momentum: 0.9, batch_size: 64 },
  ],
];

describe('resuming from a checkpoint', () => {
  for (const [name, model, training] of CASES) {
    test(`${name}: epochs 3 and 4 after a resume from the bytes of epoch 2's checkpoint are bit-identical to an uninterrupted run`, () => {
      const whole = run(model, training);
      assert.equal(whole.outcome.status, 'finished', JSON.stringify(whole.outcome));
      assert.equal(whole.checkpoints.length, 4);
      const atTwo = whole.checkpoints[1] as TrainingState;
      assert.equal(atTwo.epoch, 2);
      const tensors = tf.memory().numTensors;
      // Through the bytes a checkpoint file holds.
      const resumed = run(model, training, decodeCheckpoint(encodeCheckpoint(atTwo)));
      assert.equal(tf.memory().numTensors, tensors, 'a resumed run leaks no tensor');
      assert.deepEqual(
        resumed.epochs.map((report) => report.epoch),
        [3, 4],
      );
      assert.deepEqual(resumed.epochs.map(timeless), whole.epochs.slice(2).map(timeless));
      // The best epoch may be from before the checkpoint: its weights came with it.
      assert.ok(whole.outcome.status === 'finished' && resumed.outcome.status === 'finished');
      assert.deepEqual(resumed.outcome.test, whole.outcome.test);
      assert.equal(resumed.outcome.epochs, 4);
      // The state at the end is the same state too.
      const last = (state: TrainingState): unknown => ({ ...state, trainSeconds: 0 });
      assert.deepEqual(last(resumed.checkpoints.at(-1) as TrainingState), last(whole.checkpoints.at(-1) as TrainingState));
    });
  }

  test('after the last epoch a checkpoint is taken only for a final model to keep (checkpoint.keep)', () => {
    const notKept = run({ depth: 1, width: 16 }, { optimizer: 'sgd', epochs: 3 }, undefined, false);
    assert.deepEqual(
      notKept.checkpoints.map((state) => state.epoch),
      [1, 2],
    );
  });

  test('a checkpoint of one configuration refuses a model of another', () => {
    const adam = run({ depth: 1, width: 16, dropout: 0.2 }, { optimizer: 'adam', epochs: 1 });
    const state = adam.checkpoints[0] as TrainingState;
    assert.throws(
      () => run({ depth: 1, width: 16, dropout: 0.2 }, { optimizer: 'sgd', momentum: 0.9, epochs: 2 }, state),
      /accumulatedFirstMoment/,
    );
  });
});
