import * as tf from '@tensorflow/tfjs';
import type { TestEvaluation } from '../store/records.js';
import type { TensorPart } from './training-data.js';

/** Examples evaluated at once: large enough to be fast, small enough to bound memory. */
const CHUNK = 1000;

/**
 * The model's loss, accuracy and confusion matrix on the test set, in inference mode (dropout
 * off, batch norm on its moving statistics). `epoch` names the weights the model holds.
 */
export function evaluateTest(model: tf.LayersModel, part: TensorPart, classes: number, epoch: number): TestEvaluation {
  let loss = 0;
  const counts = new Float64Array(classes * classes);
  for (let start = 0; start < part.count; start += CHUNK) {
    const size = Math.min(CHUNK, part.count - start);
    const [chunkLoss, actual, predicted] = tf.tidy((): [number, Int32Array, Int32Array] => {
      const x = part.x.slice(start, size);
      const y = part.y.slice([start, 0], [size, -1]);
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      const sum = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
      // Counted here rather than with tf.math.confusionMatrix, whose integer matMul the
      // WebAssembly backend lacks; a chunk's labels are a few kilobytes.
      return [sum.dataSync()[0] as number, part.labels.slice(start, size).dataSync() as Int32Array, tf.argMax(logits, 1).dataSync() as Int32Array];
    });
    loss += chunkLoss;
    actual.forEach((label, i) => {
      const index = label * classes + (predicted[i] as number);
      counts[index] = (counts[index] ?? 0) + 1;
    });
  }
  const confusion = Array.from({ length: classes }, (_, row) => Array.from(counts.subarray(row * classes, (row + 1) * classes)));
  const correct = confusion.reduce((sum, row, k) => sum + (row[k] ?? 0), 0);
  return { epoch, loss: loss / part.count, accuracy: correct / part.count, confusion };
}
