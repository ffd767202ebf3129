import * as tf from '@tensorflow/tfjs';

/** A tensor's shape and values as plain data: it crosses threads, and checkpoint files hold it. */
export interface SavedTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export function saveTensor(tensor: tf.Tensor): SavedTensor {
  if (tensor.dtype !== 'float32') throw new TypeError(`a checkpoint holds float32 tensors, but got a ${tensor.dtype} one`);
  // A copy: dataSync may hand out the backend's own buffer.
  return { shape: [...tensor.shape], values: Float32Array.from(tensor.dataSync() as Float32Array) };
}

export function loadTensor(saved: SavedTensor): tf.Tensor {
  return tf.tensor(saved.values, [...saved.shape], 'float32');
}
