import * as tf from '@tensorflow/tfjs';
import { withRegularisation } from './regularisation-loss.js';
import type { TensorPart } from './training-data.js';

export interface TrainEpochOptions {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly part: TensorPart;
  /** The epoch's shuffle: a permutation of 0..part.count-1. */
  readonly order: Uint32Array;
  readonly batchSize: number;
  /** Checked after every batch, so that a pruned or interrupted run stops within one batch. */
  readonly shouldStop: () => boolean;
}

/** Mean loss and accuracy over the epoch's batches, weighted by batch size (as Keras reports them). */
export interface EpochTotals {
  readonly loss: number;
  readonly accuracy: number;
}

/**
 * One pass over `part` in `order`, one optimizer step per batch of `batchSize`; 'stopped' when
 * `shouldStop` said so after a batch.
 */
export function trainEpoch({ model, optimizer, part, order, batchSize, shouldStop }: TrainEpochOptions): EpochTotals | 'stopped' {
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let lossSum = tf.scalar(0);
  let correctSum = tf.scalar(0);
  try {
    for (let start = 0; start < part.count; start += batchSize) {
      const size = Math.min(batchSize, part.count - start);
      const [nextLoss, nextCorrect] = tf.tidy((): [tf.Scalar, tf.Scalar] => {
        const { x, y, labels } = takeBatch(part, order, start, size);
        let logits: tf.Tensor | undefined;
        const loss = optimizer.minimize(
          () => {
            logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
            return withRegularisation(model, tf.losses.softmaxCrossEntropy(y, logits));
          },
          true,
          weights,
        ) as tf.Scalar;
        const correct = tf.equal(tf.argMax(logits as tf.Tensor, 1), labels).sum<tf.Scalar>();
        // Kept out of the gradient scope to count hits; ours to free.
        (logits as tf.Tensor).dispose();
        return [lossSum.add(loss.mul(size)), correctSum.add(correct)];
      });
      tf.dispose([lossSum, correctSum]);
      lossSum = nextLoss;
      correctSum = nextCorrect;
      if (shouldStop()) return 'stopped';
    }
    return { loss: (lossSum.dataSync()[0] as number) / part.count, accuracy: (correctSum.dataSync()[0] as number) / part.count };
  } finally {
    tf.dispose([lossSum, correctSum]);
  }
}

/**
 * The examples order[start..start+size) as tensors: the same values tf.gather would take from
 * part.x, part.y and part.labels, copied row by row from host memory. Fresh arrays each time:
 * some backends (cpu) keep the array a tensor is made from.
 */
export function takeBatch(
  part: TensorPart,
  order: Uint32Array,
  start: number,
  size: number,
): { x: tf.Tensor2D; y: tf.Tensor2D; labels: tf.Tensor1D } {
  const [, inputSize = 0] = part.x.shape;
  const [, classes = 0] = part.y.shape;
  const { images, labels: hostLabels } = part.host;
  const x = new Float32Array(size * inputSize);
  const y = new Float32Array(size * classes);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const row = order[start + i] as number;
    x.set(images.subarray(row * inputSize, (row + 1) * inputSize), i * inputSize);
    const label = hostLabels[row] as number;
    labels[i] = label;
    y[i * classes + label] = 1;
  }
  return { x: tf.tensor2d(x, [size, inputSize]), y: tf.tensor2d(y, [size, classes]), labels: tf.tensor1d(labels, 'int32') };
}
