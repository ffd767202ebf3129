import { HyperbandPruner } from './hyperband-pruner.js';
import { MedianPruner } from './median-pruner.js';
import { NopPruner } from './nop-pruner.js';
import { PercentilePruner } from './percentile-pruner.js';
import type { Pruner } from './pruner.js';
import type { PrunerSpec } from './pruner-spec.js';
import { SuccessiveHalvingPruner } from './successive-halving-pruner.js';

export interface CreatePrunerOptions {
  /** The objective metric's name, used in pruning reasons (default "value"). */
  readonly metric?: string;
}

export function createPruner(spec: PrunerSpec, options: CreatePrunerOptions = {}): Pruner {
  const metric = options.metric ?? 'value';
  switch (spec.type) {
    case 'none':
      return new NopPruner();
    case 'median':
      return new MedianPruner(spec, metric);
    case 'percentile':
      return new PercentilePruner(spec, metric);
    case 'asha':
      return new SuccessiveHalvingPruner(spec, metric);
    case 'hyperband':
      return new HyperbandPruner(spec, metric);
  }
}
