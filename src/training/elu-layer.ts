import * as tf from '@tensorflow/tfjs';

/**
 * ELU with any alpha: x above zero, alpha * (exp(x) - 1) below. TensorFlow.js's ELU layer refuses
 * alpha other than 1 ("not supported yet"), and its fused 'elu' activation is alpha 1 only.
 */
export class EluLayer extends tf.layers.Layer {
  static readonly className = 'SweeperElu';

  constructor(private readonly alpha: number) {
    super({});
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      // relu(x) + alpha * elu(min(x, 0)): no exp of large inputs, and every op has a gradient.
      return tf.add(tf.relu(x), tf.mul(tf.elu(tf.minimum(x, 0)), this.alpha));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
