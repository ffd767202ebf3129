import type { TrialState } from '../core/trial-state.js';

interface StepValues {
  /** The values that are numbers, ascending. */
  readonly sorted: number[];
  /** COMPLETE trials that reported this step, NaN values included. */
  reported: number;
}

/**
 * The values of a study's COMPLETE trials at each step, kept sorted as trials complete: the
 * percentile pruner's cut at a step is then a lookup, where reading every trial's curve at every
 * epoch report cost a pass over the whole study (and a sort) per report. A COMPLETE trial never
 * changes again, so a trial is added once and never removed.
 */
export class CompletedSteps {
  private count = 0;
  private readonly steps = new Map<number, StepValues>();

  /** The index of the COMPLETE trials among `trials`, for a caller that keeps none. */
  static of(trials: readonly { readonly state: TrialState; readonly values: ReadonlyMap<number, number> }[]): CompletedSteps {
    const index = new CompletedSteps();
    for (const trial of trials) if (trial.state === 'COMPLETE') index.add(trial.values);
    return index;
  }

  /** How many COMPLETE trials there are. */
  get trials(): number {
    return this.count;
  }

  /** A trial completed with these values (step -> objective). */
  add(values: ReadonlyMap<number, number>): void {
    this.count++;
    for (const [step, value] of values) {
      let at = this.steps.get(step);
      if (!at) this.steps.set(step, (at = { sorted: [], reported: 0 }));
      at.reported++;
      if (!Number.isNaN(value)) at.sorted.splice(upperBound(at.sorted, value), 0, value);
    }
  }

  /** How many COMPLETE trials reported `step`, NaN included. */
  reportedAt(step: number): number {
    return this.steps.get(step)?.reported ?? 0;
  }

  /** The values at `step` that are numbers, ascending. */
  sortedAt(step: number): readonly number[] {
    return this.steps.get(step)?.sorted ?? [];
  }
}

/** The first index whose value is greater than `value`. */
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
