import * as tf from '@tensorflow/tfjs';

/**
 * Inverted dropout whose masks follow from a seed: in training each unit is zeroed with
 * probability `rate` and the rest scaled by 1 / (1 - rate); in evaluation it passes its input.
 * TensorFlow.js's dropout layer cannot do this: given a seed it draws the same mask on every
 * batch, and without one it draws from Math.random, so a seed would no longer fix the run.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SweeperSeededDropout';
  private calls = 0;

  constructor(
    private readonly rate: number,
    private readonly seed: number,
  ) {
    super({});
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return x;
    this.calls += 1;
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      // A string seed: a numeric 0 would make TensorFlow.js fall back to Math.random.
      const uniform = tf.randomUniform(x.shape, 0, 1, 'float32', `${this.seed}:${this.calls}`);
      return tf.mul(x, tf.div(tf.floor(tf.add(uniform, keep)), keep));
    });
  }

  /** Masks drawn so far: a checkpoint keeps it, so that a resumed run draws the masks it would have. */
  get masksDrawn(): number {
    return this.calls;
  }

  /** Goes on from a checkpoint's count of masks drawn. */
  continueFrom(masksDrawn: number): void {
    this.calls = masksDrawn;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
