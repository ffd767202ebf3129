import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { EpochMetrics } from '../../src/core/metrics.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING, type ModelConfig, type TrainingConfig } from '../../src/training/settings.js';
import { MutualInformationProbe } from '../../src/training/mutual-information-probe.js';
import { createSchedule } from '../../src/training/schedules/create-schedule.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { toTrainingData, type TrainingData } from '../../src/training/training-data.js';
import { trainRun } from '../../src/training/train-run.js';

const MODEL: ModelConfig = { ...DEFAULT_MODEL, depth: 1, width: 32 };
const SEED = 21;
let data: TrainingData;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  data = toTrainingData(await new DatasetCache().load({ name: 'bundled-mnist', limit: 1500, validation: 300, test: 0, seed: 5 }));
});

function curve(training: Partial<TrainingConfig>): EpochMetrics[] {
  const epochs: EpochMetrics[] = [];
  const outcome = trainRun({
    data,
    config: { model: MODEL, training: { ...DEFAULT_TRAINING, epochs: 3, ...training } },
    seed: SEED,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    onEpoch: (report) => epochs.push(report.metrics),
    shouldStop: () => false,
  });
  assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
  return epochs;
}

describe('learning-rate schedules in training', () => {
  test("report 003's warm-up: each epoch trains and reports the scheduled rate", () => {
    const rates = curve({ optimizer: 'sgd', learning_rate: 0.01, lr_schedule: 'warmup', warmup_from: 0.001, warmup_epochs: 5 }).map(
      (m) => m.learningRate,
    );
    assert.deepEqual(
      rates.map((r) => Number(r?.toFixed(6))),
      [0.001, 0.0028, 0.0046],
    );
  });

  for (const optimizer of ['sgd', 'adam'] as const) {
    test(`the scheduled rate reaches the ${optimizer} optimizer: a rate cut to almost nothing freezes the model`, () => {
      const frozen = curve({ optimizer, learning_rate: 0.05, lr_schedule: 'step', step_every: 1, step_factor: 1e-9 });
      const constant = curve({ optimizer, learning_rate: 0.05 });
      const change = (c: EpochMetrics[]): number => Math.abs((c[2]?.valLoss ?? 0) - (c[1]?.valLoss ?? 0));
      assert.ok(change(frozen) < 1e-4, `after the cut, validation loss still moved by ${change(frozen)}`);
      assert.ok(change(constant) > 1e-3, `at a constant rate it moved by ${change(constant)}`);
      assert.deepEqual(
        frozen.map((m) => m.learningRate),
        [0.05, 0.05 * 1e-9, 0.05 * 1e-18],
      );
    });
  }

  test('mi_relative: IHYLL is measured and recorded every epoch, and the rates follow the policy from those values', () => {
    const settings = {
      ...DEFAULT_TRAINING,
      epochs: 4,
      optimizer: 'sgd' as const,
      learning_rate: 0.05,
      lr_schedule: 'mi_relative' as const,
      lr_min: 0.01,
      lr_max: 0.2,
      mi_samples: 300,
    };
    const metrics = curve(settings);
    const ihyll = metrics.map((m) => m.mutualInformation ?? Number.NaN);
    for (const value of ihyll) assert.ok(value > 0 && value < Math.log(10) + 0.1, `IHYLL ${value} nats`);
    const schedule = createSchedule(settings);
    const expected = metrics.map((_, index) =>
      schedule.learningRateFor(index + 1, {
        learningRates: metrics.slice(0, index).map((m) => m.learningRate ?? 0),
        ihyll: ihyll.slice(0, index),
      }),
    );
    assert.deepEqual(
      metrics.map((m) => m.learningRate),
      expected,
    );
    assert.deepEqual(expected.slice(0, 2), [0.01, 0.01], 'the policy starts at lr_min and waits for two estimates');
  });

  test('mi_ixy: IXY is measured once on the same subset, and the rates follow the policy', () => {
    const settings = {
      ...DEFAULT_TRAINING,
      epochs: 4,
      optimizer: 'sgd' as const,
      learning_rate: 0.05,
      lr_schedule: 'mi_ixy' as const,
      lr_min: 0.01,
      lr_max: 0.2,
      mi_samples: 300,
    };
    const metrics = curve(settings);
    const ixy = new MutualInformationProbe(data.train, data.classes, {
      samples: 300,
      neighbours: 3,
      seed: SEED,
      dataKey: data.key,
    }).inputInformation();
    assert.ok(ixy > 0.5, `IXY ${ixy} nats`);
    const ihyll = metrics.map((m) => m.mutualInformation ?? Number.NaN);
    const schedule = createSchedule(settings);
    const expected = metrics.map((_, index) =>
      schedule.learningRateFor(index + 1, {
        learningRates: metrics.slice(0, index).map((m) => m.learningRate ?? 0),
        ihyll: ihyll.slice(0, index),
        ixy,
      }),
    );
    assert.deepEqual(
      metrics.map((m) => m.learningRate),
      expected,
    );
    assert.notEqual(expected[2], expected[1], 'the policy moved the rate once two estimates existed');
  });

  test('no tensors leak from an MI run, nor from a run whose schedule cannot be built', () => {
    const before = tf.memory().numTensors;
    curve({ epochs: 2, lr_schedule: 'mi_ixy', lr_min: 0.01, lr_max: 0.2, mi_samples: 300 });
    assert.throws(
      () => curve({ lr_schedule: 'mi_relative', lr_min: 0.2, lr_max: 0.1 }),
      /lr_max must be at least lr_min \(0\.2\), but got 0\.1/,
    );
    assert.equal(tf.memory().numTensors, before);
  });

  test('fixed schedules measure nothing: no MI in the metrics', () => {
    assert.ok(curve({ lr_schedule: 'cosine', lr_min: 0 }).every((m) => m.mutualInformation === undefined));
  });
});
