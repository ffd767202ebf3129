import * as tf from '@tensorflow/tfjs';
import type { TensorPart } from './training-data.js';

/** Examples evaluated at once: large enough to be fast, small enough to bound memory. */
const CHUNK = 1000;

/**
 * Runs the model in inference mode (dropout off, batch norm on its moving statistics) over
 * `part` in chunks and returns the mean softmax cross-entropy. `read` takes what else its caller
 * needs from each chunk's logits (rows start..start+size of `part`); it runs inside the chunk's
 * tidy, so it must return plain numbers, not tensors.
 */
export function meanLossInChunks(
  model: tf.LayersModel,
  part: TensorPart,
  read: (logits: tf.Tensor, start: number, size: number) => void,
): number {
  let loss = 0;
  for (let start = 0; start < part.count; start += CHUNK) {
    const size = Math.min(CHUNK, part.count - start);
    loss += tf.tidy(() => {
      const x = part.x.slice(start, size);
      const y = part.y.slice([start, 0], [size, -1]);
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      read(logits, start, size);
      return tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM).dataSync()[0] as number;
    });
  }
  return loss / part.count;
}
