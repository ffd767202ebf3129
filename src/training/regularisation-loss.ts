import * as tf from '@tensorflow/tfjs';

/**
 * The loss plus the model's regularisation penalties (the L2 terms of its kernels). Keras's fit
 * adds these itself; a loop that calls optimizer.minimize with model.apply must add them, or the
 * penalty changes nothing. Call it inside the function minimised, so that its gradient counts.
 */
export function withRegularisation(model: tf.LayersModel, loss: tf.Scalar): tf.Scalar {
  const penalties = model.layers.flatMap((layer) => layer.calculateLosses());
  return penalties.length === 0 ? loss : tf.addN([loss, ...penalties]);
}
