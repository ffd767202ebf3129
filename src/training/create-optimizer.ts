import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from './settings.js';

export function createOptimizer(config: TrainingConfig): tf.Optimizer {
  switch (config.optimizer) {
    case 'sgd':
      return config.momentum > 0 ? tf.train.momentum(config.learning_rate, config.momentum) : tf.train.sgd(config.learning_rate);
    case 'rmsprop':
      return tf.train.rmsprop(config.learning_rate, config.rho, config.momentum, config.epsilon);
    case 'adam':
      return tf.train.adam(config.learning_rate, config.beta1, config.beta2, config.epsilon);
  }
}

/**
 * Changes an optimizer's learning rate between epochs. SGD (and momentum) keep the rate in a
 * tensor that only setLearningRate updates; the others read their `learningRate` field at each
 * step, which TensorFlow.js declares protected but documents as the rate.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // Not `instanceof`: TensorFlow.js optimizers answer it by duck typing, so Adam "is" an SGDOptimizer.
  const settable = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (typeof settable.setLearningRate === 'function') settable.setLearningRate(learningRate);
  else settable.learningRate = learningRate;
}

/**
 * Disposes an optimizer and all it holds. TensorFlow.js's momentum optimizer leaves out the
 * learning-rate scalar its SGD parent keeps (`c`): one tensor lost per momentum run otherwise.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  const rate = (optimizer as unknown as { c?: tf.Tensor }).c;
  optimizer.dispose();
  if (rate !== undefined && !rate.isDisposed) rate.dispose();
}
