import { isBetter, type Direction } from './direction.js';
import { METRIC_FIELDS, type EpochMetrics, type MetricName } from './metrics.js';

/** The objective metric in one epoch's metrics; NaN when it was not measured. */
export function metricValue(metrics: EpochMetrics, metric: string): number {
  const field = METRIC_FIELDS[metric as MetricName] as Exclude<keyof EpochMetrics, 'extra'> | undefined;
  return (field ? metrics[field] : Object.hasOwn(metrics.extra ?? {}, metric) ? metrics.extra?.[metric] : undefined) ?? Number.NaN;
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
