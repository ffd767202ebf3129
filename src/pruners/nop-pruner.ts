import { KEEP, type PruneDecision, type Pruner } from './pruner.js';

/** Never prunes (Optuna's NopPruner): every trial trains all its epochs. */
export class NopPruner implements Pruner {
  readonly readsCurves = false;
  readonly name = 'none';

  decide(): PruneDecision {
    return KEEP;
  }
}
