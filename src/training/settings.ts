import { z } from 'zod';
import { DEFAULT_SCHEDULE, SCHEDULE_INTEGER_SETTINGS, SCHEDULE_SETTINGS, type ScheduleConfig } from './schedule-settings.js';

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'leaky_relu', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const ARCHITECTURES = ['mlp', 'cnn'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Weight initialisers; `weight-initializer.ts` gives their exact distributions. */
export const INITIALIZERS = ['glorot', 'fan_in', 'fan_out', 'selu', 'he'] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

export const PADDINGS = ['same', 'valid'] as const;
export type Padding = (typeof PADDINGS)[number];

export const OPTIMIZERS = ['sgd', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const MAX_DEPTH = 10;
export const MAX_CONV_LAYERS = 3;

/** Per-layer overrides of `width` and `channels`: the search space is flat, so one setting a layer. */
export const WIDTH_SETTINGS = [
  'width_1',
  'width_2',
  'width_3',
  'width_4',
  'width_5',
  'width_6',
  'width_7',
  'width_8',
  'width_9',
  'width_10',
] as const;
export const CHANNELS_SETTINGS = ['channels_1', 'channels_2', 'channels_3'] as const;
export type LayerSetting = (typeof WIDTH_SETTINGS)[number] | (typeof CHANNELS_SETTINGS)[number];

const units = z.number().int().min(1).max(8192);
const channels = z.number().int().min(1).max(1024);

/** The per-layer settings: optional, unlike every other setting, and ignored beyond the layers built. */
export const LAYER_SETTINGS = {
  ...(Object.fromEntries(WIDTH_SETTINGS.map((name) => [name, units])) as Record<(typeof WIDTH_SETTINGS)[number], typeof units>),
  ...(Object.fromEntries(CHANNELS_SETTINGS.map((name) => [name, channels])) as Record<(typeof CHANNELS_SETTINGS)[number], typeof channels>),
};

/**
 * Every setting of the model and of training that a sweep can fix or search over. A search
 * space parameter takes the name of the setting it varies, so `space.learning_rate` overrides
 * `training.learning_rate`; the schemas here also check the space's bounds and choices.
 * Model settings are the ones below, which every model has, and the per-layer LAYER_SETTINGS.
 */
export const MODEL_WIDE_SETTINGS = {
  /** mlp: dense layers only; cnn: conv blocks, then the same dense layers. */
  architecture: z.enum(ARCHITECTURES),
  /** Hidden dense layers; 0 is a linear (softmax regression) model, or a CNN with no dense layer. */
  depth: z.number().int().min(0).max(MAX_DEPTH),
  /** Units in each hidden layer, unless `width_<n>` sets layer n's. */
  width: units,
  activation: z.enum(ACTIVATIONS),
  /** Slope of leaky ReLU below zero (report 000: 0.01). */
  leaky_alpha: z.number().min(0).lt(1),
  /** ELU's alpha: alpha * (exp(x) - 1) below zero (report 000: 1). */
  elu_alpha: z.number().positive().max(10),
  initializer: z.enum(INITIALIZERS),
  /** L2 penalty: l2 * (sum of squared kernel weights, every dense and conv layer) added to the loss. */
  l2: z.number().min(0).finite(),
  /** Rate of dropout after each hidden dense layer (inverted dropout: off in evaluation). */
  dropout: z.number().min(0).lt(1),
  /** Batch normalisation before each nonlinearity (dense or conv, then batch norm, then activation). */
  batch_norm: z.boolean(),
  /** cnn: conv blocks (conv, [batch norm], activation, max-pool) before the dense layers. */
  conv_layers: z.number().int().min(1).max(MAX_CONV_LAYERS),
  /** cnn: output channels of each conv layer, unless `channels_<n>` sets block n's. */
  channels,
  /** cnn: side of the square kernel (report 004: 5). */
  kernel: z.number().int().min(1).max(15),
  /** cnn: 'same' pads with zeros to keep the size ((kernel - 1) / 2 a side: 2 for 5x5); 'valid' does not pad. */
  padding: z.enum(PADDINGS),
  /** cnn: side and stride of the max-pool after each conv layer; 1 is no pooling. */
  pool: z.number().int().min(1).max(8),
} as const;

export const MODEL_SETTINGS = { ...MODEL_WIDE_SETTINGS, ...LAYER_SETTINGS };

export const TRAINING_SETTINGS = {
  optimizer: z.enum(OPTIMIZERS),
  learning_rate: z.number().positive().finite(),
  /** Momentum of SGD and RMSprop; 0 is none. */
  momentum: z.number().min(0).lt(1),
  /** RMSprop's decay of its mean of squared gradients (reference report 004's beta, Keras' rho). */
  rho: z.number().min(0).lt(1),
  /** Adam's decay of the first and second moment estimates. */
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
  epsilon: z.number().positive().finite(),
  batch_size: z.number().int().min(1).max(65536),
  /**
   * A batch-size change during training (reference report 003: 100 to 500 at epoch 3): from epoch
   * `batch_size_change_epoch` on, batches hold `batch_size_after` examples. 0 means no change.
   */
  batch_size_change_epoch: z.number().int().min(0),
  batch_size_after: z.number().int().min(1).max(65536),
  ...SCHEDULE_SETTINGS,
} as const;

export type ModelSetting = keyof typeof MODEL_SETTINGS;
export type TrainingSetting = keyof typeof TRAINING_SETTINGS;
export type Setting = ModelSetting | TrainingSetting;

export const SETTINGS: Readonly<Record<Setting, z.ZodType>> = { ...MODEL_SETTINGS, ...TRAINING_SETTINGS };

/** Settings that hold only whole numbers: searched with int or categorical parameters. */
export const INTEGER_SETTINGS: ReadonlySet<Setting> = new Set<Setting>([
  'depth',
  'width',
  ...WIDTH_SETTINGS,
  'conv_layers',
  'channels',
  ...CHANNELS_SETTINGS,
  'kernel',
  'pool',
  'batch_size',
  'batch_size_change_epoch',
  'batch_size_after',
  ...SCHEDULE_INTEGER_SETTINGS,
]);

/** A model's settings: every setting present, except the per-layer overrides that are set. */
export type ModelConfig = {
  readonly [K in keyof typeof MODEL_WIDE_SETTINGS]: z.output<(typeof MODEL_WIDE_SETTINGS)[K]>;
} & { readonly [K in LayerSetting]?: number };

export interface TrainingConfig extends ScheduleConfig {
  readonly epochs: number;
  readonly optimizer: OptimizerName;
  readonly learning_rate: number;
  readonly momentum: number;
  readonly rho: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly batch_size: number;
  readonly batch_size_change_epoch: number;
  readonly batch_size_after: number;
}

/**
 * Defaults follow reference report 000's baseline (2 x 100 ReLU, Glorot-uniform, batch 50) and, for
 * CNNs, reference report 004's one-conv network (10 channels, 5x5 kernel, padding 2, max-pool 2).
 */
export const DEFAULT_MODEL: ModelConfig = {
  architecture: 'mlp',
  depth: 2,
  width: 100,
  activation: 'relu',
  leaky_alpha: 0.01,
  elu_alpha: 1,
  initializer: 'glorot',
  l2: 0,
  dropout: 0,
  batch_norm: false,
  conv_layers: 1,
  channels: 10,
  kernel: 5,
  padding: 'same',
  pool: 2,
};
export const DEFAULT_TRAINING: Omit<TrainingConfig, 'epochs'> = {
  optimizer: 'adam',
  learning_rate: 0.001,
  momentum: 0,
  rho: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  batch_size: 50,
  batch_size_change_epoch: 0,
  batch_size_after: 50,
  ...DEFAULT_SCHEDULE,
};

/** The batch size of one epoch (1-based), after any change the settings ask for. */
export function batchSizeAt(training: TrainingConfig, epoch: number): number {
  const change = training.batch_size_change_epoch;
  return change > 0 && epoch >= change ? training.batch_size_after : training.batch_size;
}

export function isSetting(name: string): name is Setting {
  return Object.hasOwn(SETTINGS, name);
}
