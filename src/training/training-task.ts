import type { DatasetSpec } from '../datasets/dataset-spec.js';
import type { ModelConfig, TrainingConfig } from './settings.js';

/**
 * What every trial of a sweep trains: the data, and the model and training settings that the
 * trial's parameters then override.
 */
export interface TrainingTask {
  readonly type: 'train';
  readonly dataset: DatasetSpec;
  readonly model: ModelConfig;
  readonly training: TrainingConfig;
}
