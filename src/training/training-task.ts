import type { DatasetSpec } from '../datasets/dataset-spec.js';
import type { ModelConfig, TrainingConfig } from './knobs.js';

export const METRICS = ['val_accuracy', 'val_loss', 'train_accuracy', 'train_loss'] as const;
export type MetricName = (typeof METRICS)[number];

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
