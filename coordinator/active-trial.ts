import type { EpochMetrics } from '../src/core/metrics.js';
import type { StoredCheckpoint } from '../src/execution/run-assignment.js';
import type { RepeatResult, TrialRecord } from '../src/store/records.js';
import type { ParamValues } from '../src/space/param-spec.js';
import type { RunDeadline } from './run-deadline.js';
import { endingAfter, NO_ENDING, type TrialEnding } from './trial-ending.js';

/** What the runner tracks of a trial while its repeats run. */
export class ActiveTrial {
  /** Repeats still to hand out, lowest first. */
  readonly pending: number[];
  readonly running = new Map<number, AbortController>();
  /** Per running repeat, the time it has left to report its next epoch (when the study sets `run_timeout`). */
  readonly deadlines = new Map<number, RunDeadline>();
  readonly results: RepeatResult[];
  /** Per repeat, the epochs reported so far in this attempt. */
  readonly curves = new Map<number, EpochMetrics[]>();
  /** Per repeat, the checkpoint of an earlier attempt its run goes on from (its epochs are in `curves`). */
  readonly resume = new Map<number, StoredCheckpoint>();
  /** It had or sent checkpoints: its end may leave some to delete (most sweeps' trials have none). */
  checkpointed = false;
  /** What its runs train with: the trial's parameters, or (PBT) those of its current segment. */
  params: ParamValues;
  /** PBT: the decision point (an epoch) at which it stopped, until the population decides how it goes on. */
  waitingAt: number | undefined;
  private endingSoFar: TrialEnding = NO_ENDING;
  /** Repeats ended by early stopping: their stop is a finish, not an interruption. */
  readonly earlyStopped = new Set<number>();

  constructor(
    public trial: TrialRecord,
    repeats: number,
    finished: readonly RepeatResult[],
  ) {
    this.params = trial.params;
    this.results = [...finished];
    const done = new Set(finished.map((r) => r.repeat));
    this.pending = Array.from({ length: repeats }, (_, r) => r).filter((r) => !done.has(r));
  }

  get isSettled(): boolean {
    return this.running.size === 0 && (this.ended || (this.pending.length === 0 && this.waitingAt === undefined));
  }

  /** Whether the trial ends without running its remaining repeats. */
  get ended(): boolean {
    return this.endingSoFar.kind !== 'none';
  }

  get ending(): TrialEnding {
    return this.endingSoFar;
  }

  /** Records that `next` happened to the trial; returns whether it is now the trial's ending (see `endingAfter`). */
  end(next: TrialEnding): boolean {
    const before = this.endingSoFar;
    this.endingSoFar = endingAfter(before, next);
    return this.endingSoFar !== before;
  }

  /** Records one epoch of one repeat; a report sent again (after a reconnection) replaces the first. */
  recordEpoch(repeat: number, epoch: number, metrics: EpochMetrics): void {
    let curve = this.curves.get(repeat);
    if (!curve) this.curves.set(repeat, (curve = []));
    curve[epoch - 1] = metrics;
  }

  stopAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
