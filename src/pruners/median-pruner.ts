import { formatMetric } from './format-metric.js';
import { PercentilePruner } from './percentile-pruner.js';
import type { PercentileSettings } from './pruner-spec.js';

/** Optuna's MedianPruner: the percentile pruner at 50, the median stopping rule. */
export class MedianPruner extends PercentilePruner {
  override readonly name = 'median';

  constructor(settings: Partial<PercentileSettings> = {}, metric = 'value') {
    super({ ...settings, percentile: 50 }, metric);
  }

  protected override describeCutoff(cutoff: number): string {
    return `the median ${formatMetric(cutoff)}`;
  }
}
