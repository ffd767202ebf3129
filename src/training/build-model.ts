import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { deriveSeed } from '../random/derive-seed.js';
import { EluLayer } from './elu-layer.js';
import type { ModelConfig } from './settings.js';
import { convChannels, convOutputSize, hiddenWidths, type ImageShape } from './model-shape.js';
import { SeededDropout } from './seeded-dropout.js';
import { kernelInitializer } from './weight-initializer.js';

type FusedActivation = 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'linear';

/** Seed streams of a model's layers: kernels keep the MLP's stream (layer index) of earlier versions. */
const CONV_STREAM = 1000;
const DROPOUT_STREAM = 2000;

/**
 * The model a trial trains, from its settings. An MLP is `depth` hidden dense layers, then a
 * linear layer to the class logits (softmax lives in the loss); depth 0 is softmax regression.
 * A CNN first reshapes the flat rows to images and runs `conv_layers` blocks of conv, activation
 * and max-pool, then flattens into the same dense layers. Batch norm, when on, sits between each
 * dense or conv layer and its nonlinearity; dropout follows each hidden dense layer. Every random
 * draw is seeded per layer, so the seed fixes the whole model and its dropout masks.
 */
export function buildModel(config: ModelConfig, imageShape: ImageShape, classes: number, seed: number): tf.Sequential {
  const [height, width, channels] = imageShape;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [height * width * channels] }));
  let flatSize = height * width * channels;
  if (config.architecture === 'cnn') {
    flatSize = checkedFlatSize(config, imageShape);
    model.add(tf.layers.reshape({ targetShape: [height, width, channels] }));
    let inChannels = channels;
    convChannels(config).forEach((filters, block) => {
      const kernelShape = [config.kernel, config.kernel, inChannels, filters];
      addWithNonlinearity(model, config, (activation) =>
        tf.layers.conv2d({
          filters,
          kernelSize: config.kernel,
          padding: config.padding,
          activation,
          kernelInitializer: kernelInitializer(config.initializer, kernelShape, deriveSeed(seed, CONV_STREAM + block)),
          ...regularizer(config),
        }),
      );
      if (config.pool > 1) model.add(tf.layers.maxPooling2d({ poolSize: config.pool, strides: config.pool }));
      inChannels = filters;
    });
    model.add(tf.layers.flatten());
  }
  let inputs = flatSize;
  hiddenWidths(config).forEach((units, layer) => {
    addWithNonlinearity(model, config, (activation) => denseLayer(config, inputs, units, deriveSeed(seed, layer), activation));
    if (config.dropout > 0) model.add(new SeededDropout(config.dropout, deriveSeed(seed, DROPOUT_STREAM + layer)));
    inputs = units;
  });
  model.add(denseLayer(config, inputs, classes, deriveSeed(seed, config.depth), 'linear'));
  return model;
}

/**
 * Adds a dense or conv layer and its nonlinearity. The layer applies the activation itself (one
 * fused kernel, about 30% faster) unless batch norm must come between them, or the activation is
 * one tf.layers cannot fuse (leaky ReLU, ELU with alpha other than 1).
 */
function addWithNonlinearity(model: tf.Sequential, config: ModelConfig, layer: (activation: FusedActivation) => tf.layers.Layer): void {
  const fused = config.batch_norm ? undefined : fusedActivation(config);
  model.add(layer(fused ?? 'linear'));
  if (fused !== undefined) return;
  if (config.batch_norm) model.add(tf.layers.batchNormalization({ axis: -1 }));
  const activation = activationLayer(config);
  if (activation) model.add(activation);
}

function fusedActivation(config: ModelConfig): FusedActivation | undefined {
  // ELU with alpha 1 and SELU with alpha 1.6733, lambda 1.0507 are TensorFlow.js's definitions.
  if (config.activation === 'leaky_relu') return undefined;
  if (config.activation === 'elu' && config.elu_alpha !== 1) return undefined;
  return config.activation;
}

function activationLayer(config: ModelConfig): tf.layers.Layer | undefined {
  switch (config.activation) {
    case 'linear':
      return undefined;
    case 'leaky_relu':
      return tf.layers.leakyReLU({ alpha: config.leaky_alpha });
    case 'elu':
      return config.elu_alpha === 1 ? tf.layers.activation({ activation: 'elu' }) : new EluLayer(config.elu_alpha);
    default:
      return tf.layers.activation({ activation: config.activation });
  }
}

function denseLayer(config: ModelConfig, inputs: number, units: number, seed: number, activation: FusedActivation): tf.layers.Layer {
  return tf.layers.dense({
    units,
    activation,
    kernelInitializer: kernelInitializer(config.initializer, [inputs, units], seed),
    biasInitializer: 'zeros',
    ...regularizer(config),
  });
}

function regularizer(config: ModelConfig): { kernelRegularizer?: ReturnType<typeof tf.regularizers.l2> } {
  return config.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: config.l2 }) } : {};
}

/** Size of the conv blocks' flattened output; throws when a block shrinks the image to nothing. */
function checkedFlatSize(config: ModelConfig, imageShape: ImageShape): number {
  const size = convOutputSize(config, imageShape);
  if ('problem' in size) throw new InvalidArgumentError(size.problem);
  return size.flat;
}
