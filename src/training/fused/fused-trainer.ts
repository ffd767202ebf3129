import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../settings.js';
import { FusedNetwork } from './fused-network.js';

/**
 * The backends whose kernels the fused step replaces: TensorFlow.js's WebAssembly and plain
 * JavaScript ones. A native backend (tfjs-node, a GPU) keeps its own kernels.
 */
const REPLACED_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The fused step for a run's model and optimizer, when the run trains on a backend it replaces
 * and the model is an MLP it covers; undefined otherwise (the run trains on TensorFlow.js's path).
 */
export function fusedTrainer(model: tf.LayersModel, optimizer: tf.Optimizer, training: TrainingConfig): FusedNetwork | undefined {
  if (!REPLACED_BACKENDS.has(tf.getBackend())) return undefined;
  const fused = FusedNetwork.create(model, optimizer, Math.max(training.batch_size, training.batch_size_after));
  return fused instanceof FusedNetwork ? fused : undefined;
}
