import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../../src/datasets/dataset-cache.js';
import { Rng } from '../../../src/random/rng.js';
import { buildModel } from '../../../src/training/build-model.js';
import { createOptimizer, disposeOptimizer, setLearningRate } from '../../../src/training/create-optimizer.js';
import { FusedNetwork } from '../../../src/training/fused/fused-network.js';
import { networkPlan } from '../../../src/training/fused/network-plan.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING, type ModelConfig, type TrainingConfig } from '../../../src/training/settings.js';
import { initBackend } from '../../../src/training/tf-backend.js';
import { trainEpoch, type EpochTotals } from '../../../src/training/train-epoch.js';
import { evaluate, trainRun } from '../../../src/training/train-run.js';
import { disposeTrainingData, toTrainingData, type TrainingData } from '../../../src/training/training-data.js';

/**
 * The fused MLP step against TensorFlow.js's own (trainEpoch): the same model built twice from
 * one seed, trained on the same real digits in the same order, must give the same epoch totals
 * and the same weights and optimizer state, to float32 rounding. Two epochs, so that the second
 * starts from the state the first wrote back.
 */
let data: TrainingData;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  data = toTrainingData(await new DatasetCache().load({ name: 'bundled-mnist', limit: 600, validation: 100, test: 0, seed: 3 }));
});

type Insides = {
  iterations_?: number;
  accumulations?: { variable: tf.Variable }[];
  accumulatedFirstMoment?: { variable: tf.Variable }[];
  accumulatedSecondMoment?: { variable: tf.Variable }[];
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
};

/** The largest difference between two lists of tensors, relative to the largest value of the first. */
function relativeDifference(expected: readonly tf.Tensor[], actual: readonly tf.Tensor[]): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  expected.forEach((tensor, i) => {
    const x = tensor.dataSync();
    const y = (actual[i] as tf.Tensor).dataSync();
    let difference = 0;
    let scale = 1e-12;
    for (let j = 0; j < x.length; j++) {
      difference = Math.max(difference, Math.abs((x[j] as number) - (y[j] as number)));
      scale = Math.max(scale, Math.abs(x[j] as number));
    }
    worst = Math.max(worst, difference / scale);
  });
  return worst;
}

const slotsOf = (insides: Insides): tf.Tensor[] =>
  [...(insides.accumulations ?? []), ...(insides.accumulatedFirstMoment ?? []), ...(insides.accumulatedSecondMoment ?? [])].map(
    (slot) => slot.variable,
  );

/**
 * `backend: 'cpu'` trains the reference on TensorFlow.js's JavaScript backend: the wasm backend's
 * MaxPoolGrad (4.22) sends a pooling window's gradient to the wrong input, or to none, when every
 * value in the window is negative (as after tanh), where the cpu backend and ours send it to the
 * largest. With ReLU before the pooling no window is all negative, so both backends agree.
 */
const CASES: { name: string; model: Partial<ModelConfig>; training: Partial<TrainingConfig>; backend?: 'cpu' }[] = [
  { name: 'ReLU, Adam', model: { activation: 'relu' }, training: { optimizer: 'adam', learning_rate: 0.002 } },
  { name: 'tanh, SGD', model: { activation: 'tanh' }, training: { optimizer: 'sgd', learning_rate: 0.1 } },
  {
    name: 'sigmoid, 3 layers, momentum',
    model: { activation: 'sigmoid', depth: 3 },
    training: { optimizer: 'sgd', momentum: 0.9, learning_rate: 0.05 },
  },
  { name: 'ELU, Adam', model: { activation: 'elu' }, training: { optimizer: 'adam' } },
  { name: 'ELU alpha 0.5, momentum', model: { activation: 'elu', elu_alpha: 0.5 }, training: { optimizer: 'sgd', momentum: 0.5 } },
  { name: 'SELU with SELU init, Adam', model: { activation: 'selu', initializer: 'selu' }, training: { optimizer: 'adam' } },
  { name: 'leaky ReLU, L2, Adam', model: { activation: 'leaky_relu', l2: 0.001 }, training: { optimizer: 'adam' } },
  {
    name: 'linear, 0 hidden (softmax regression), SGD',
    model: { activation: 'linear', depth: 0 },
    training: { optimizer: 'sgd', learning_rate: 0.05 },
  },
  {
    name: 'ReLU, batch 32 with a short last batch, Adam',
    model: { activation: 'relu', width: 37 },
    training: { optimizer: 'adam', batch_size: 32 },
  },
  { name: 'ReLU, RMSprop', model: { activation: 'relu' }, training: { optimizer: 'rmsprop', learning_rate: 0.001 } },
  {
    name: 'ELU, RMSprop with momentum',
    model: { activation: 'elu' },
    training: { optimizer: 'rmsprop', learning_rate: 0.0005, momentum: 0.9 },
  },
  {
    name: "CNN: conv 5x5 'same', 8 channels, ReLU, max-pool 2, Adam",
    model: { architecture: 'cnn', conv_layers: 1, channels: 8, kernel: 5, padding: 'same', pool: 2, depth: 1, width: 32 },
    training: { optimizer: 'adam' },
  },
  {
    name: "CNN: two blocks of conv 3x3 'valid', tanh, max-pool 2 (odd sizes), momentum",
    model: {
      architecture: 'cnn',
      activation: 'tanh',
      conv_layers: 2,
      channels: 4,
      kernel: 3,
      padding: 'valid',
      pool: 2,
      depth: 1,
      width: 16,
    },
    training: { optimizer: 'sgd', momentum: 0.9, learning_rate: 0.02 },
    backend: 'cpu',
  },
  {
    name: "CNN: conv 4x4 'same' (the odd pixel of padding after), leaky ReLU, no pooling, L2, SGD",
    model: {
      architecture: 'cnn',
      activation: 'leaky_relu',
      conv_layers: 1,
      channels: 3,
      kernel: 4,
      padding: 'same',
      pool: 1,
      depth: 0,
      l2: 0.001,
    },
    training: { optimizer: 'sgd', learning_rate: 0.05 },
  },
];

for (const { name, model: modelSettings, training: trainingSettings, backend } of CASES) {
  test(`the fused step trains as TensorFlow.js does: ${name}${backend ? ` (against the ${backend} backend)` : ''}`, async () => {
    if (backend) assert.equal(await initBackend(backend), backend);
    try {
      trainBothWays(modelSettings, trainingSettings);
    } finally {
      if (backend) await initBackend('wasm');
    }
  });
}

function trainBothWays(modelSettings: Partial<ModelConfig>, trainingSettings: Partial<TrainingConfig>): void {
  {
    const modelConfig = { ...DEFAULT_MODEL, depth: 2, width: 64, ...modelSettings };
    const training = { ...DEFAULT_TRAINING, epochs: 2, ...trainingSettings };
    const build = (): tf.LayersModel => buildModel(modelConfig, data.imageShape, data.classes, 11);
    const [reference, fusedModel] = [build(), build()];
    const [referenceOptimizer, fusedOptimizer] = [createOptimizer(training), createOptimizer(training)];
    const fused = FusedNetwork.create(fusedModel, fusedOptimizer, training.batch_size);
    try {
      assert.ok(fused instanceof FusedNetwork, `fused: ${JSON.stringify(fused)}`);
      for (let epoch = 1; epoch <= 2; epoch++) {
        // A new rate each epoch, as schedules set it.
        for (const optimizer of [referenceOptimizer, fusedOptimizer]) setLearningRate(optimizer, training.learning_rate / epoch);
        const order = new Rng(epoch).permutation(data.train.count);
        const options = { part: data.train, order, batchSize: training.batch_size, shouldStop: () => false };
        const expected = trainEpoch({ model: reference, optimizer: referenceOptimizer, ...options });
        const actual: EpochTotals | 'stopped' = fused.trainEpoch({ optimizer: fusedOptimizer, ...options });
        assert.ok(expected !== 'stopped' && actual !== 'stopped');
        assert.ok(
          Math.abs(actual.loss - expected.loss) < 1e-5 * Math.abs(expected.loss),
          `epoch ${epoch} loss ${actual.loss} vs ${expected.loss}`,
        );
        assert.equal(actual.accuracy, expected.accuracy, `epoch ${epoch} accuracy`);
      }
      const weights = relativeDifference(reference.getWeights(), fusedModel.getWeights());
      assert.ok(weights < 1e-4, `weights differ by ${weights} of their scale`);
      const referenceState = referenceOptimizer as unknown as Insides;
      const fusedState = fusedOptimizer as unknown as Insides;
      assert.equal(fusedState.iterations_, referenceState.iterations_, 'the step count');
      const slots = relativeDifference(slotsOf(referenceState), slotsOf(fusedState));
      assert.ok(slots < 1e-3, `optimizer slots differ by ${slots} of their scale`);
      if (referenceState.accBeta1) {
        assert.equal(fusedState.accBeta1?.dataSync()[0], referenceState.accBeta1.dataSync()[0], "Adam's beta1 power, to the bit");
        assert.equal(fusedState.accBeta2?.dataSync()[0], referenceState.accBeta2?.dataSync()[0], "Adam's beta2 power, to the bit");
      }
    } finally {
      for (const optimizer of [referenceOptimizer, fusedOptimizer]) disposeOptimizer(optimizer);
      reference.dispose();
      fusedModel.dispose();
    }
  }
}

test("the fused validation pass gives the model's loss and accuracy, for an MLP and a CNN", () => {
  for (const settings of [{ width: 40 }, { architecture: 'cnn' as const, channels: 6, depth: 1, width: 20 }]) {
    const training = { ...DEFAULT_TRAINING, epochs: 1 };
    const model = buildModel({ ...DEFAULT_MODEL, ...settings }, data.imageShape, data.classes, 8);
    const optimizer = createOptimizer(training);
    const fused = FusedNetwork.create(model, optimizer, 64);
    try {
      assert.ok(fused instanceof FusedNetwork);
      fused.trainEpoch({
        optimizer,
        part: data.train,
        order: new Rng(2).permutation(data.train.count),
        batchSize: 50,
        shouldStop: () => false,
      });
      const expected = evaluate(model, data.validation);
      const actual = fused.evaluate(data.validation);
      assert.equal(actual.accuracy, expected.accuracy, JSON.stringify(settings));
      assert.ok(Math.abs(actual.loss - expected.loss) < 1e-5 * expected.loss, `${actual.loss} vs ${expected.loss}`);
    } finally {
      disposeOptimizer(optimizer);
      model.dispose();
    }
  }
});

test('a fused epoch told to stop writes back the steps it took, and leaks no tensor from one epoch to the next', () => {
  const training = { ...DEFAULT_TRAINING, epochs: 3 };
  const model = buildModel({ ...DEFAULT_MODEL, width: 32 }, data.imageShape, data.classes, 5);
  const optimizer = createOptimizer(training);
  const fused = FusedNetwork.create(model, optimizer, training.batch_size);
  try {
    assert.ok(fused instanceof FusedNetwork);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    let batches = 0;
    const order = new Rng(1).permutation(data.train.count);
    const stopped = fused.trainEpoch({ optimizer, part: data.train, order, batchSize: 50, shouldStop: () => ++batches === 3 });
    assert.equal(stopped, 'stopped');
    assert.equal((optimizer as unknown as Insides).iterations_, 3, 'three steps taken, three counted');
    assert.ok(
      model.getWeights().some((w, i) => w.dataSync().some((value, j) => value !== before[i]?.[j])),
      'the steps taken are in the model',
    );
    const counts: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      fused.trainEpoch({ optimizer, part: data.train, order, batchSize: 50, shouldStop: () => false });
      counts.push(tf.memory().numTensors);
    }
    assert.equal(counts[2], counts[1], `tensors after each epoch: ${counts.join(', ')}`);
  } finally {
    disposeOptimizer(optimizer);
    model.dispose();
  }
});

test('models and optimizers the fused step does not cover are named, and train on TensorFlow.js', () => {
  const centered = (): tf.Optimizer => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true);
  const cases: [Partial<ModelConfig>, Partial<TrainingConfig> | (() => tf.Optimizer), RegExp][] = [
    [{ dropout: 0.25 }, {}, /SeededDropout/],
    [{ batch_norm: true }, {}, /BatchNormalization/],
    [{ architecture: 'cnn', channels: 4, depth: 1, batch_norm: true }, {}, /BatchNormalization/],
    [{}, centered, /centered RMSprop/],
  ];
  for (const [modelSettings, trainingSettings, reason] of cases) {
    const model = buildModel({ ...DEFAULT_MODEL, width: 16, ...modelSettings }, data.imageShape, data.classes, 1);
    const optimizer =
      typeof trainingSettings === 'function'
        ? trainingSettings()
        : createOptimizer({ ...DEFAULT_TRAINING, epochs: 1, ...trainingSettings });
    try {
      const plan = networkPlan(model, optimizer);
      assert.ok('unsupported' in plan, JSON.stringify(modelSettings));
      assert.match(plan.unsupported, reason);
    } finally {
      disposeOptimizer(optimizer);
      model.dispose();
    }
  }
});

test('a network whose buffers a wasm memory cannot hold is named, and trains on TensorFlow.js', () => {
  const model = buildModel({ ...DEFAULT_MODEL, width: 16 }, data.imageShape, data.classes, 1);
  const optimizer = createOptimizer({ ...DEFAULT_TRAINING, epochs: 1 });
  try {
    // Batches of 2 million rows of 784 inputs: 6 GB of input buffer alone.
    const fused = FusedNetwork.create(model, optimizer, 2_000_000);
    assert.ok(!(fused instanceof FusedNetwork));
    assert.match(fused.unsupported, /do not fit a wasm memory \(\d+ MiB needed, 4095 MiB at most\)/);
  } finally {
    disposeOptimizer(optimizer);
    model.dispose();
  }
});

test('trainRun reports the same epochs with the fused step as without it', () => {
  const config = { model: { ...DEFAULT_MODEL, width: 48 }, training: { ...DEFAULT_TRAINING, epochs: 3, optimizer: 'adam' as const } };
  const run = (fused: boolean): number[][] => {
    const epochs: number[][] = [];
    const outcome = trainRun({
      data,
      config,
      seed: 4,
      fused,
      objective: { metric: 'val_accuracy', direction: 'maximize' },
      onEpoch: ({ metrics }) => epochs.push([metrics.trainLoss, metrics.trainAccuracy, metrics.valLoss, metrics.valAccuracy] as number[]),
      shouldStop: () => false,
    });
    assert.equal(outcome.status, 'finished');
    return epochs;
  };
  const [expected, actual] = [run(false), run(true)];
  assert.equal(actual.length, 3);
  actual.forEach((metrics, epoch) =>
    metrics.forEach((value, i) => {
      const reference = expected[epoch]?.[i] as number;
      assert.ok(
        Math.abs(value - reference) <= 1e-4 * Math.max(1, Math.abs(reference)),
        `epoch ${epoch + 1}, metric ${i}: ${value} vs ${reference}`,
      );
    }),
  );
});

test('after', () => disposeTrainingData(data));
