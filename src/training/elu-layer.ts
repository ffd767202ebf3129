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
      // elu(x) is x above zero, so the exp of large inputs never enters the gradient.
      return tf.where(tf.greater(x, 0), x, tf.mul(tf.elu(x), this.alpha));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
