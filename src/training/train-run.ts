import * as tf from '@tensorflow/tfjs';
import type { EpochReport, RunOutcome } from '../execution/run-assignment.js';
import { deriveSeed } from '../random/derive-seed.js';
import { Rng } from '../random/rng.js';
import { buildMlp } from './build-mlp.js';
import { createOptimizer } from './create-optimizer.js';
import type { TrialConfig } from './trial-config.js';
import { trainEpoch } from './train-epoch.js';
import type { TensorPart, TrainingData } from './training-data.js';

export interface TrainRunOptions {
  readonly data: TrainingData;
  readonly config: TrialConfig;
  readonly seed: number;
  readonly onEpoch: (report: EpochReport) => void;
  /** Checked after every batch, so that a pruned or interrupted run stops within one batch. */
  readonly shouldStop: () => boolean;
}

/** Examples evaluated at once: large enough to be fast, small enough to bound memory. */
const EVAL_CHUNK = 1000;

/**
 * Trains one model with one seed for the configured epochs, reporting each epoch. Train loss and
 * accuracy are averages over the epoch's batches (as Keras reports them); validation metrics are
 * measured after the epoch. A NaN or infinite training loss ends the run as diverged.
 */
export function trainRun({ data, config, seed, onEpoch, shouldStop }: TrainRunOptions): RunOutcome {
  const model = buildMlp(config.model, data.inputSize, data.classes, seed);
  const optimizer = createOptimizer(config.training);
  const { batch_size: batchSize, epochs, learning_rate: learningRate } = config.training;
  const train = data.train;
  let trainSeconds = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const order = new Rng(deriveSeed(seed, epoch)).permutation(train.count);
      const totals = trainEpoch({ model, optimizer, part: train, order, batchSize, shouldStop });
      if (totals === 'stopped') {
        trainSeconds += (performance.now() - started) / 1000;
        return { status: 'stopped', epochs: epoch - 1, trainSeconds };
      }
      const { loss: trainLoss, accuracy: trainAccuracy } = totals;
      if (!Number.isFinite(trainLoss)) {
        trainSeconds += (performance.now() - started) / 1000;
        return { status: 'diverged', epoch, reason: `diverged at epoch ${epoch}: training loss is ${trainLoss}`, trainSeconds };
      }
      const validation = evaluate(model, data.validation);
      const epochSeconds = (performance.now() - started) / 1000;
      trainSeconds += epochSeconds;
      onEpoch({
        epoch,
        metrics: { trainLoss, trainAccuracy, valLoss: validation.loss, valAccuracy: validation.accuracy, learningRate, epochSeconds },
      });
      if (shouldStop()) return { status: 'stopped', epochs: epoch, trainSeconds };
    }
    return { status: 'finished', epochs, trainSeconds };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** Mean loss and accuracy of the model on one part of the data, in inference mode. */
export function evaluate(model: tf.LayersModel, part: TensorPart): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < part.count; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, part.count - start);
    const [chunkLoss, chunkCorrect] = tf.tidy((): [number, number] => {
      const x = part.x.slice([start, 0], [size, -1]);
      const y = part.y.slice([start, 0], [size, -1]);
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      const sum = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
      const hits = tf.equal(tf.argMax(logits, 1), part.labels.slice(start, size)).sum();
      return [sum.dataSync()[0] as number, hits.dataSync()[0] as number];
    });
    loss += chunkLoss;
    correct += chunkCorrect;
  }
  return { loss: loss / part.count, accuracy: correct / part.count };
}
