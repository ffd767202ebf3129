import { DEFAULT_MODEL, DEFAULT_TRAINING, type ModelConfig } from '../src/training/settings.js';
import type { PythonPackage } from './optuna-peer.js';

/**
 * The two models bench:train and bench:checkpoint time, as the product's settings (their PyTorch
 * twins are python/seed_models.py): the seeds' baseline MLP and report 004's one-conv CNN.
 */
export const SEED_MODELS = ['mlp', 'cnn'] as const;
export type SeedModel = (typeof SEED_MODELS)[number];
/** Units of the MLP's hidden layers and of the CNN's dense layer. */
export const HIDDEN = 100;
/** How both benchmarks train them, on both sides: Adam, rate 0.001, batches of 50. */
export const SEED_TRAINING = { ...DEFAULT_TRAINING, learning_rate: 0.001, batch_size: 50 };

export function seedModelConfig(name: SeedModel, filters: number): ModelConfig {
  return name === 'mlp'
    ? { ...DEFAULT_MODEL, depth: 2, width: HIDDEN }
    : // 5x5 convolution ('same' padding), ReLU, 2x2 max-pool, dense 100 ReLU, then the logits.
      {
        ...DEFAULT_MODEL,
        architecture: 'cnn',
        conv_layers: 1,
        channels: filters,
        kernel: 5,
        padding: 'same',
        pool: 2,
        depth: 1,
        width: HIDDEN,
      };
}

/** The PyTorch peer of both benchmarks. */
export const TORCH: PythonPackage = {
  module: 'torch',
  debian: 'python3-torch',
  missing: "PyTorch not available: install Debian's python3-torch (apt-get install python3-torch)",
  columns: 'PyTorch',
};
