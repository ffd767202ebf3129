import * as tf from '@tensorflow/tfjs';
import type { TestEvaluation } from '../core/run-report.js';
import { meanLossInChunks } from './inference-chunks.js';
import type { TensorPart } from './training-data.js';

/**
 * The model's loss, accuracy and confusion matrix on the test set, in inference mode (dropout
 * off, batch norm on its moving statistics). `epoch` names the weights the model holds.
 */
export function evaluateTest(model: tf.LayersModel, part: TensorPart, classes: number, epoch: number): TestEvaluation {
  const counts = new Float64Array(classes * classes);
  const loss = meanLossInChunks(model, part, (logits, start) => {
    // Counted here rather than with tf.math.confusionMatrix, whose integer matMul the
    // WebAssembly backend lacks; the true labels are read from host memory.
    (tf.argMax(logits, 1).dataSync() as Int32Array).forEach((predicted, i) => {
      const index = (part.host.labels[start + i] as number) * classes + predicted;
      counts[index] = (counts[index] ?? 0) + 1;
    });
  });
  const confusion = Array.from({ length: classes }, (_, row) => Array.from(counts.subarray(row * classes, (row + 1) * classes)));
  const correct = confusion.reduce((sum, row, k) => sum + (row[k] ?? 0), 0);
  return { epoch, loss, accuracy: correct / part.count, confusion };
}
