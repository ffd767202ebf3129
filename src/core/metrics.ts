/** The metrics a run reports each epoch that a study's objective may name. */
export const METRICS = ['val_accuracy', 'val_loss', 'train_accuracy', 'train_loss'] as const;
export type MetricName = (typeof METRICS)[number];

/**
 * Names a user writes (sweep files, parameters, metric names, JSON output) are snake_case; fields
 * of TypeScript objects are camelCase. This table is the one place the two meet for metrics.
 */
export const METRIC_FIELDS: Readonly<Record<MetricName, keyof EpochMetrics>> = {
  val_accuracy: 'valAccuracy',
  val_loss: 'valLoss',
  train_accuracy: 'trainAccuracy',
  train_loss: 'trainLoss',
};

/** Metrics of one epoch of one repeat; absent metrics were not measured. */
export interface EpochMetrics {
  readonly trainLoss?: number;
  readonly trainAccuracy?: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly learningRate?: number;
  readonly epochSeconds?: number;
  /**
   * Mutual information (nats) between the last layer's activations and the labels, estimated
   * when the learning-rate schedule uses it (reference report 003).
   */
  readonly mutualInformation?: number;
}
