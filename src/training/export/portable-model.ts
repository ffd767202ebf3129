import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../build-model.js';
import { EluLayer } from '../elu-layer.js';
import type { ImageShape } from '../model-shape.js';
import { SeededDropout } from '../seeded-dropout.js';
import type { ModelConfig } from '../settings.js';
import { loadTensor, type SavedTensor } from '../checkpoint/saved-tensor.js';

/**
 * The model a trial trained, with `weights` (model.getWeights() order), made of TensorFlow.js's
 * own layers, so that `tf.loadLayersModel` reads it anywhere without sweeper's classes: the
 * seeded dropout becomes Dropout (both are the identity at inference; no weights, so the weights
 * keep their order). The one exception is an ELU whose alpha is not 1, which TensorFlow.js's ELU
 * layer refuses: it stays sweeper's `SweeperElu` (config { alpha }), which a reader registers
 * (docs/export-model.md shows the dozen lines).
 */
export function portableModel(
  config: ModelConfig,
  imageShape: ImageShape,
  classes: number,
  weights: readonly SavedTensor[],
): tf.Sequential {
  const trained = buildModel(config, imageShape, classes, 0);
  try {
    const portable = tf.sequential();
    portable.add(tf.layers.inputLayer({ inputShape: [imageShape[0] * imageShape[1] * imageShape[2]] }));
    for (const layer of trained.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      const config = layer.getConfig();
      if (layer instanceof SeededDropout) portable.add(tf.layers.dropout({ rate: config['rate'] as number }));
      else if (layer instanceof EluLayer) portable.add(new EluLayer(config['alpha'] as number));
      else portable.add(copyOf(layer.getClassName(), config));
    }
    const tensors = weights.map(loadTensor);
    try {
      portable.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
    return portable;
  } finally {
    trained.dispose();
  }
}

/** A fresh layer of TensorFlow.js's class `className` with `config` (what loadLayersModel does). */
function copyOf(className: string, config: tf.serialization.ConfigDict): tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new TypeError(`layer class ${className} is not registered with TensorFlow.js`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, { ...config, name: undefined } as unknown as tf.serialization.ConfigDict) as unknown as tf.layers.Layer;
}
