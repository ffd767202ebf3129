import * as tf from '@tensorflow/tfjs';
import type { InitializerName } from './settings.js';

type Initializer = ReturnType<typeof tf.initializers.randomNormal>;

/**
 * The seeded initialiser for a kernel of the given shape, as the `initializer` setting names it:
 *
 * - glorot:  U(-sqrt(6 / (n_in + n_out)), +sqrt(6 / (n_in + n_out)))   (reference report 000)
 * - fan_in:  U(-sqrt(3 / n_in), +sqrt(3 / n_in))                       (reference report 000)
 * - fan_out: U(-sqrt(3 / n_out), +sqrt(3 / n_out))                     (reference report 000)
 * - selu:    N(0, 1 / n_in), not truncated                             (reference report 000's SELUInit)
 * - he:      N(0, 2 / n_in), not truncated                             (He et al. 2015, eq. 10)
 *
 * The uniform three equal TensorFlow.js's varianceScaling (scale 1, fanAvg / fanIn / fanOut,
 * uniform). Its 'normal' distribution, and with it heNormal and leCunNormal, is a normal cut at
 * two standard deviations and not rescaled, whose spread is 0.88 of the one asked for; so the
 * normal two use randomNormal, with the deviation worked out here from the fans.
 */
export function kernelInitializer(name: InitializerName, kernelShape: readonly number[], seed: number): Initializer {
  const { fanIn, fanOut } = kernelFans(kernelShape);
  const uniform = (variance: number): Initializer => {
    const limit = Math.sqrt(3 * variance);
    return tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed });
  };
  switch (name) {
    case 'glorot':
      return uniform(2 / (fanIn + fanOut));
    case 'fan_in':
      return uniform(1 / fanIn);
    case 'fan_out':
      return uniform(1 / fanOut);
    case 'selu':
      return tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(1 / fanIn), seed });
    case 'he':
      return tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / fanIn), seed });
  }
}

/**
 * n_in and n_out of a kernel: for a dense kernel [n_in, n_out] its two sides; for a conv kernel
 * [kh, kw, c_in, c_out] (channels last) kh * kw * c_in and kh * kw * c_out, as Keras counts them.
 */
export function kernelFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: (shape.at(-2) ?? 1) * receptiveField, fanOut: (shape.at(-1) ?? 1) * receptiveField };
}
