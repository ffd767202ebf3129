import type { EpochMetrics } from '../store/records.js';
import type { MetricName } from '../training/training-task.js';
import type { Direction } from './study-definition.js';

const METRIC_FIELDS: Readonly<Record<MetricName, keyof EpochMetrics>> = {
  val_accuracy: 'valAccuracy',
  val_loss: 'valLoss',
  train_accuracy: 'trainAccuracy',
  train_loss: 'trainLoss',
};

/** The objective metric in one epoch's metrics; NaN when it was not measured. */
export function metricValue(metrics: EpochMetrics, metric: string): number {
  const field = METRIC_FIELDS[metric as MetricName] as keyof EpochMetrics | undefined;
  return (field && metrics[field]) ?? Number.NaN;
}

/** Whether `a` is strictly better than `b`; NaN is worse than any number. */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return direction === 'maximize' ? a > b : a < b;
}

/** 1-based index of the best epoch, and its value. */
export function bestEpoch(curve: readonly EpochMetrics[], metric: string, direction: Direction): { epoch: number; value: number } {
  let best = { epoch: 0, value: Number.NaN };
  curve.forEach((metrics, index) => {
    const value = metricValue(metrics, metric);
    if (best.epoch === 0 || isBetter(value, best.value, direction)) best = { epoch: index + 1, value };
  });
  return best;
}
