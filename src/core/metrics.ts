/** The metrics a run reports each epoch that a study's objective may name. */
export const METRICS = ['val_accuracy', 'val_loss', 'train_accuracy', 'train_loss'] as const;
export type MetricName = (typeof METRICS)[number];

/** What a metric's name may be, the built-in ones and those a user's own code reports. */
export const METRIC_NAME = /^[a-z][a-z0-9_]{0,63}$/;

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
  /**
   * Metrics of a user's own code (a command or module task) beyond the fields above, by their
   * snake_case names (METRIC_NAME): `f1`, `perplexity`. Built-in training reports none.
   */
  readonly extra?: Readonly<Record<string, number>>;
}
