import type { Direction } from '../core/direction.js';
import type { TrialState } from '../core/trial-state.js';
import { createPruner } from './create-pruner.js';
import { EarlyStopping } from './early-stopping.js';
import { CompletedSteps } from './completed-steps.js';
import type { Pruner, TrialCurve } from './pruner.js';
import type { EarlyStoppingSpec, PrunerSpec } from './pruner-spec.js';

/** What to do with a run after one of its epochs. */
export type EpochVerdict =
  | { readonly action: 'continue' }
  /** This repeat has stopped improving: end it and keep what it reached (early stopping). */
  | { readonly action: 'early-stop'; readonly reason: string }
  /** The whole trial is worse than its peers were at this epoch: end it as PRUNED. */
  | { readonly action: 'prune'; readonly reason: string };

/** The parts of a study's definition that decide when its runs stop early. */
export interface PruningSettings {
  readonly objective: { readonly metric: string; readonly direction: Direction };
  readonly pruner?: PrunerSpec;
  readonly earlyStopping?: EarlyStoppingSpec;
}

const CONTINUE: EpochVerdict = Object.freeze({ action: 'continue' });

interface TrackedTrial {
  state: TrialState;
  /** Per repeat, the objective at each epoch (index 0 = epoch 1). */
  readonly repeats: Map<number, number[]>;
  /** The mean curve, kept until the trial changes: finished trials are averaged once, not per epoch. */
  curve?: TrialCurve;
}

/**
 * Holds the objective curve of every trial of a study and judges each new epoch with the
 * study's pruner and early-stopping rule. It lives where the history is (the coordinator), so
 * a decision sees every trial's curve, not only the trials one worker ran.
 *
 * A trial's value at an epoch is the mean over its repeats that have reached that epoch.
 */
export class PruningMonitor {
  private readonly pruner: Pruner;
  private readonly earlyStopping: EarlyStopping | undefined;
  private readonly trials = new Map<number, TrackedTrial>();
  /** The COMPLETE trials' values by step, added as each completes (the percentile pruners read only these). */
  private readonly completed = new CompletedSteps();

  constructor(private readonly definition: PruningSettings) {
    const { metric } = definition.objective;
    this.pruner = createPruner(definition.pruner ?? { type: 'none' }, { metric });
    this.earlyStopping = definition.earlyStopping && new EarlyStopping(definition.earlyStopping, metric);
  }

  /** Whether the pruner needs other trials' curves (loading them costs a read per trial). */
  get needsHistory(): boolean {
    return this.pruner.name !== 'none';
  }

  /** Adds a trial's curve from the store (`values` per repeat, epoch 1 first). */
  remember(number: number, state: TrialState, curves: ReadonlyMap<number, readonly number[]>): void {
    const trial: TrackedTrial = { state, repeats: new Map([...curves].map(([repeat, values]) => [repeat, [...values]])) };
    this.trials.set(number, trial);
    if (state === 'COMPLETE') this.completed.add(curveOf(number, trial).values);
  }

  setState(number: number, state: TrialState): void {
    let trial = this.trials.get(number);
    if (!trial) this.trials.set(number, (trial = { state, repeats: new Map() }));
    else {
      if (trial.state === state) return;
      trial.state = state;
      trial.curve = undefined;
    }
    if (state === 'COMPLETE') this.completed.add(curveOf(number, trial).values);
  }

  /** A running trial starts a new attempt: what earlier attempts reported no longer counts. */
  restart(number: number): void {
    this.trials.set(number, { state: 'RUNNING', repeats: new Map() });
  }

  /** Records `value` for `epoch` of one repeat and decides what the run does next. */
  judge(number: number, repeat: number, epoch: number, value: number): EpochVerdict {
    let trial = this.trials.get(number);
    if (!trial) this.trials.set(number, (trial = { state: 'RUNNING', repeats: new Map() }));
    let values = trial.repeats.get(repeat);
    if (!values) trial.repeats.set(repeat, (values = []));
    values[epoch - 1] = value;
    trial.curve = undefined;

    const { direction } = this.definition.objective;
    const decision = this.pruner.decide({
      direction,
      step: epoch,
      trial: curveOf(number, trial),
      // Every other trial's curve costs a pass over the whole study per epoch: only for a pruner that reads them.
      trials: this.pruner.readsCurves
        ? [...this.trials].filter(([other]) => other !== number).map(([other, tracked]) => curveOf(other, tracked))
        : [],
      completed: this.completed,
    });
    if (decision.prune) return { action: 'prune', reason: decision.reason };
    if (this.earlyStopping) {
      const stop = this.earlyStopping.decide(values.slice(0, epoch), direction);
      if (stop.stop) return { action: 'early-stop', reason: stop.reason };
    }
    return CONTINUE;
  }

  /** The trial's last epoch and its value (mean over repeats), or undefined before any epoch. */
  lastStep(number: number): { epoch: number; value: number } | undefined {
    const trial = this.trials.get(number);
    if (!trial) return undefined;
    const values = curveOf(number, trial).values;
    const epoch = Math.max(0, ...values.keys());
    return epoch === 0 ? undefined : { epoch, value: values.get(epoch) as number };
  }
}

function curveOf(number: number, trial: TrackedTrial): TrialCurve {
  trial.curve ??= meanCurve(number, trial);
  return trial.curve;
}

function meanCurve(number: number, trial: TrackedTrial): TrialCurve {
  const sums = new Map<number, { sum: number; count: number }>();
  for (const values of trial.repeats.values()) {
    values.forEach((value, index) => {
      const entry = sums.get(index + 1) ?? { sum: 0, count: 0 };
      entry.sum += value;
      entry.count += 1;
      sums.set(index + 1, entry);
    });
  }
  return { number, state: trial.state, values: new Map([...sums].map(([epoch, { sum, count }]) => [epoch, sum / count])) };
}
