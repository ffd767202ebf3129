import { z } from 'zod';
import { DEFAULT_SCHEDULE, SCHEDULE_INTEGER_KNOBS, SCHEDULE_KNOBS, type ScheduleConfig } from './schedule-knobs.js';

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'leaky_relu', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['sgd', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/**
 * Every setting of the model and of training that a sweep can fix or search over. A search
 * space parameter takes the name of the setting it varies, so `space.learning_rate` overrides
 * `training.learning_rate`; the schemas here also check the space's bounds and choices.
 */
export const MODEL_KNOBS = {
  /** Hidden layers; 0 is a linear (softmax regression) model. */
  depth: z.number().int().min(0).max(10),
  /** Units in each hidden layer. */
  width: z.number().int().min(1).max(8192),
  activation: z.enum(ACTIVATIONS),
} as const;

export const TRAINING_KNOBS = {
  optimizer: z.enum(OPTIMIZERS),
  learning_rate: z.number().positive().finite(),
  /** Momentum of SGD and RMSprop; 0 is none. */
  momentum: z.number().min(0).lt(1),
  /** RMSprop's decay of its mean of squared gradients (seed report 004's beta, Keras' rho). */
  rho: z.number().min(0).lt(1),
  /** Adam's decay of the first and second moment estimates. */
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
  epsilon: z.number().positive().finite(),
  batch_size: z.number().int().min(1).max(65536),
  /**
   * A batch-size change during training (seed report 003: 100 to 500 at epoch 3): from epoch
   * `batch_size_change_epoch` on, batches hold `batch_size_after` examples. 0 means no change.
   */
  batch_size_change_epoch: z.number().int().min(0),
  batch_size_after: z.number().int().min(1).max(65536),
  ...SCHEDULE_KNOBS,
} as const;

export type ModelKnob = keyof typeof MODEL_KNOBS;
export type TrainingKnob = keyof typeof TRAINING_KNOBS;
export type Knob = ModelKnob | TrainingKnob;

export const KNOBS: Readonly<Record<Knob, z.ZodType>> = { ...MODEL_KNOBS, ...TRAINING_KNOBS };

/** Settings that hold only whole numbers: searched with int or categorical parameters. */
export const INTEGER_KNOBS: ReadonlySet<Knob> = new Set<Knob>(['depth', 'width', 'batch_size', 'batch_size_change_epoch', 'batch_size_after', ...SCHEDULE_INTEGER_KNOBS]);

export interface ModelConfig {
  readonly type: 'mlp';
  readonly depth: number;
  readonly width: number;
  readonly activation: Activation;
}

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

/** Defaults follow seed report 000's baseline: 2 x 100 ReLU, batch 50. */
export const DEFAULT_MODEL: Omit<ModelConfig, 'type'> = { depth: 2, width: 100, activation: 'relu' };
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

export function isKnob(name: string): name is Knob {
  return Object.hasOwn(KNOBS, name);
}
