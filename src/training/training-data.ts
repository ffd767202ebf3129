import * as tf from '@tensorflow/tfjs';
import type { DatasetSplit } from '../datasets/dataset-split.js';
import type { LabelledImages } from '../datasets/labelled-images.js';

/** One part of a split as tensors: flattened inputs, one-hot targets and class indices. */
export interface TensorPart {
  readonly count: number;
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
  readonly labels: tf.Tensor1D;
  /**
   * The same examples in host memory (shared, not a copy), from which training assembles each
   * batch: copying its rows there is ~15x cheaper than the wasm backend's gather kernel.
   */
  readonly host: LabelledImages;
}

export interface TrainingData {
  /** The split's identity (DatasetSplit.key): what a thread may cache per dataset. */
  readonly key: string;
  readonly inputSize: number;
  /** [height, width, channels] of one example; rows of x are these images flattened. */
  readonly imageShape: readonly [number, number, number];
  readonly classes: number;
  readonly train: TensorPart;
  readonly validation: TensorPart;
  readonly test?: TensorPart;
}

/**
 * Copies a split into the backend's memory once; callers keep the result across trials (the
 * copy into WebAssembly memory is the one copy a thread cannot avoid).
 */
export function toTrainingData(split: DatasetSplit): TrainingData {
  const inputSize = split.shape[0] * split.shape[1] * split.shape[2];
  const part = (data: LabelledImages): TensorPart => ({
    ...tf.tidy(() => {
      const labels = tf.tensor1d(Int32Array.from(data.labels), 'int32');
      return {
        x: tf.keep(tf.tensor2d(data.images, [data.count, inputSize])),
        y: tf.keep(tf.oneHot(labels, split.classes).toFloat() as tf.Tensor2D),
        labels: tf.keep(labels),
      };
    }),
    count: data.count,
    host: data,
  });
  return {
    key: split.key,
    inputSize,
    imageShape: split.shape,
    classes: split.classes,
    train: part(split.train),
    validation: part(split.validation),
    ...(split.test.count > 0 && { test: part(split.test) }),
  };
}

export function disposeTrainingData(data: TrainingData): void {
  for (const part of [data.train, data.validation, data.test]) {
    if (part) tf.dispose([part.x, part.y, part.labels]);
  }
}
