import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from './knobs.js';

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
