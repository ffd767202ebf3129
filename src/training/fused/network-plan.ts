import type * as tf from '@tensorflow/tfjs';
import type { ActivationKind } from './training-kernels.js';

/** One dense layer as the fused step runs it: z = x W + b, then the activation. */
export interface DenseLayerPlan {
  readonly inputs: number;
  readonly units: number;
  readonly activation: ActivationKind;
  /** Leaky ReLU's slope or ELU's alpha; 0 for the others. */
  readonly alpha: number;
  /** Keras's L2 factor on the kernel (the penalty l2 * sum(W^2)); 0 for none. */
  readonly l2: number;
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable;
}

export type OptimizerPlan =
  | { readonly kind: 'sgd' }
  | { readonly kind: 'momentum'; readonly momentum: number }
  | { readonly kind: 'rmsprop'; readonly decay: number; readonly momentum: number; readonly epsilon: number }
  | { readonly kind: 'adam'; readonly beta1: number; readonly beta2: number; readonly epsilon: number };

/**
 * One convolution block: a stride-1 convolution of `size` x `size` (z = patches . kernel + bias),
 * its activation, then max-pooling by `pool` (1: none). Images are NHWC.
 */
export interface ConvBlockPlan {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly filters: number;
  readonly size: number;
  /** TensorFlow's 'same' padding before the first row and column (0 for 'valid'). */
  readonly padTop: number;
  readonly padLeft: number;
  readonly outHeight: number;
  readonly outWidth: number;
  activation: ActivationKind;
  alpha: number;
  readonly l2: number;
  pool: number;
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable;
}

/**
 * What the fused step trains: the model's convolution blocks (none for an MLP), then its dense
 * layers in order (the last gives the logits), and the optimizer.
 */
export interface NetworkPlan {
  readonly convolutions: readonly ConvBlockPlan[];
  readonly layers: readonly DenseLayerPlan[];
  readonly optimizer: OptimizerPlan;
}

/** TensorFlow.js activation names (a Dense layer's or an Activation layer's) the kernels compute. */
const ACTIVATIONS: Readonly<Record<string, ActivationKind>> = {
  linear: 'LINEAR',
  relu: 'RELU',
  sigmoid: 'SIGMOID',
  tanh: 'TANH',
  elu: 'ELU',
  selu: 'SELU',
};

interface Building {
  inputs: number;
  units: number;
  activation: ActivationKind;
  alpha: number;
  l2: number;
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable;
}

/**
 * Reads a built model and its optimizer as a plan for the fused step, or says why they are not
 * one: the plan covers the MLPs and CNNs buildModel makes without dropout or batch norm, trained
 * by SGD, momentum (not Nesterov), RMSprop (not centered) or Adam. Read from the model itself rather than from its
 * settings, so that a layer the kernels do not know sends training down TensorFlow.js's path
 * instead of being trained as something else.
 */
export function networkPlan(model: tf.LayersModel, optimizer: tf.Optimizer): NetworkPlan | { readonly unsupported: string } {
  const optimizerPlan = planOptimizer(optimizer);
  if ('unsupported' in optimizerPlan) return optimizerPlan;
  const convolutions: ConvBlockPlan[] = [];
  const layers: Building[] = [];
  let flattened = false;
  for (const [index, layer] of model.layers.entries()) {
    const name = layer.getClassName();
    const config = layer.getConfig();
    if (name === 'InputLayer') continue;
    if (name === 'Reshape' && convolutions.length === 0 && layers.length === 0) continue;
    if (name === 'Conv2D' && layers.length === 0 && !flattened) {
      const block = planConv(layer, config, model.layers[index - 1]?.outputShape as number[] | undefined);
      if ('unsupported' in block) return block;
      convolutions.push(block);
      continue;
    }
    if (name === 'MaxPooling2D' && convolutions.length > 0 && layers.length === 0 && !flattened) {
      const block = convolutions.at(-1) as ConvBlockPlan;
      const [poolY, poolX] = config.poolSize as number[];
      const [strideY, strideX] = config.strides as number[];
      if (block.pool !== 1 || poolY !== poolX || strideY !== poolY || strideX !== poolX || config.padding !== 'valid')
        return { unsupported: 'max-pooling other than one square valid window per block' };
      block.pool = poolY as number;
      continue;
    }
    if (name === 'Flatten' && convolutions.length > 0 && !flattened) {
      flattened = true;
      continue;
    }
    if (name === 'Dense') {
      const dense = planDense(layer, config);
      if ('unsupported' in dense) return dense;
      const last = layers.at(-1);
      if (last && last.units !== dense.inputs) return { unsupported: 'dense layers that do not chain' };
      layers.push(dense);
      continue;
    }
    // A separate nonlinearity after a dense layer or convolution that has none of its own.
    const target = layers.at(-1) ?? (flattened ? undefined : convolutions.at(-1));
    if (!target || target.activation !== 'LINEAR' || ('pool' in target && target.pool !== 1))
      return { unsupported: `a ${name} layer where the fused step expects a dense or convolution layer` };
    const separate = separateActivation(name, config);
    if (!separate) return { unsupported: `a ${name} layer` };
    Object.assign(target, separate);
  }
  const logits = layers.at(-1);
  if (!logits || logits.activation !== 'LINEAR') return { unsupported: 'a model that does not end in a linear dense layer' };
  if (convolutions.length > 0 && !flattened) return { unsupported: 'convolutions not flattened into the dense layers' };
  const trainable = model.trainableWeights;
  const ordered = [...convolutions, ...layers].flatMap((layer) => [layer.kernel, layer.bias]);
  if (trainable.length !== ordered.length || trainable.some((weight, i) => weight !== ordered[i]))
    return { unsupported: 'trainable weights other than the kernels and biases of dense and convolution layers' };
  return { convolutions, layers, optimizer: optimizerPlan };
}

/** An Activation, LeakyReLU or (our) ELU layer as the activation of the layer before it. */
function separateActivation(name: string, config: tf.serialization.ConfigDict): { activation: ActivationKind; alpha: number } | undefined {
  if (name === 'Activation' && typeof config.activation === 'string' && config.activation in ACTIVATIONS) {
    const activation = ACTIVATIONS[config.activation] as ActivationKind;
    return { activation, alpha: activation === 'ELU' ? 1 : 0 };
  }
  if (name === 'LeakyReLU' && typeof config.alpha === 'number') return { activation: 'LEAKY_RELU', alpha: config.alpha };
  if (name === 'SweeperElu' && typeof config.alpha === 'number') return { activation: 'ELU', alpha: config.alpha };
  return undefined;
}

function planConv(
  layer: tf.layers.Layer,
  config: tf.serialization.ConfigDict,
  inputShape: number[] | undefined,
): ConvBlockPlan | { unsupported: string } {
  const common = commonWeights(layer, config);
  if ('unsupported' in common) return common;
  if (inputShape?.length !== 4) return { unsupported: 'a convolution whose input is not a batch of images' };
  const [sizeY, sizeX] = config.kernelSize as number[];
  const strides = config.strides as number[];
  const dilation = config.dilationRate as number[];
  if (sizeY !== sizeX || strides.some((s) => s !== 1) || dilation.some((d) => d !== 1) || config.dataFormat !== 'channelsLast')
    return { unsupported: 'convolutions other than square, stride 1, undilated, channels last' };
  const [, height, width, channels] = inputShape;
  const [, outHeight, outWidth, filters] = layer.outputShape as number[];
  const size = sizeY as number;
  // TensorFlow's 'same' padding puts the odd pixel after: floor(total / 2) before.
  const pad = (input: number, output: number): number =>
    config.padding === 'same' ? Math.floor(Math.max(output - 1 + size - input, 0) / 2) : 0;
  return {
    height: height as number,
    width: width as number,
    channels: channels as number,
    filters: filters as number,
    size,
    padTop: pad(height as number, outHeight as number),
    padLeft: pad(width as number, outWidth as number),
    outHeight: outHeight as number,
    outWidth: outWidth as number,
    pool: 1,
    ...common,
  };
}

function planDense(layer: tf.layers.Layer, config: tf.serialization.ConfigDict): Building | { unsupported: string } {
  const common = commonWeights(layer, config);
  if ('unsupported' in common) return common;
  const shape = common.kernel.shape;
  if (shape.length !== 2) return { unsupported: 'a dense kernel that is not a matrix' };
  return { inputs: shape[0] as number, units: shape[1] as number, ...common };
}

/** What dense and convolution layers share: activation, bias, L2, and their two weights. */
function commonWeights(
  layer: tf.layers.Layer,
  config: tf.serialization.ConfigDict,
): Pick<Building, 'activation' | 'alpha' | 'l2' | 'kernel' | 'bias'> | { unsupported: string } {
  const activation = typeof config.activation === 'string' ? ACTIVATIONS[config.activation] : undefined;
  if (activation === undefined) return { unsupported: `activation ${JSON.stringify(config.activation)}` };
  if (config.useBias !== true) return { unsupported: 'a layer without bias' };
  const l2 = l2Factor(config.kernelRegularizer);
  if (l2 === undefined) return { unsupported: 'a kernel regularizer other than L2' };
  if (config.biasRegularizer || config.activityRegularizer || config.kernelConstraint || config.biasConstraint)
    return { unsupported: 'bias or activity regularizers, or constraints' };
  const [kernel, bias] = layer.trainableWeights;
  if (!kernel || !bias) return { unsupported: 'a layer without its kernel and bias' };
  return { activation, alpha: activation === 'ELU' ? 1 : 0, l2, kernel, bias };
}

/** The L2 factor of a serialized regularizer (0 for none), or undefined for any other kind. */
function l2Factor(regularizer: unknown): number | undefined {
  if (regularizer === null || regularizer === undefined) return 0;
  const { className, config } = regularizer as { className?: string; config?: { l1?: number; l2?: number } };
  if ((className === 'L1L2' || className === 'L2') && (config?.l1 ?? 0) === 0 && typeof config?.l2 === 'number') return config.l2;
  return undefined;
}

function planOptimizer(optimizer: tf.Optimizer): OptimizerPlan | { unsupported: string } {
  const config = optimizer.getConfig();
  switch (optimizer.getClassName()) {
    case 'SGD':
      return { kind: 'sgd' };
    case 'Momentum':
      return config.useNesterov ? { unsupported: 'Nesterov momentum' } : { kind: 'momentum', momentum: config.momentum as number };
    case 'RMSProp':
      return config.centered
        ? { unsupported: 'centered RMSprop' }
        : { kind: 'rmsprop', decay: config.decay as number, momentum: config.momentum as number, epsilon: config.epsilon as number };
    case 'Adam':
      return { kind: 'adam', beta1: config.beta1 as number, beta2: config.beta2 as number, epsilon: config.epsilon as number };
    default:
      return { unsupported: `the ${optimizer.getClassName()} optimizer` };
  }
}
