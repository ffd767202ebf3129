import type { SweepTask } from '../execution/sweep-task.js';
import type { SearchSpaceDefinition } from '../space/param-spec.js';
import type { EarlyStoppingSpec, PrunerSpec } from '../pruners/pruner-spec.js';
import type { SamplerSpec } from '../samplers/sampler-spec.js';
import type { Direction } from '../core/direction.js';
import type { SchedulerSpec } from '../population/pbt-settings.js';

/**
 * A study, normalised: what the store keeps, and what a sweep file or an API call becomes.
 * Everything needed to resume it is here, so `resume` never needs the original file.
 */
export interface StudyDefinition {
  readonly name: string;
  readonly description?: string;
  readonly space: SearchSpaceDefinition;
  readonly objective: { readonly metric: string; readonly direction: Direction };
  readonly sampler: SamplerSpec;
  /** Stops unpromising trials early, judged against the other trials; absent means none. */
  readonly pruner?: PrunerSpec;
  /** Stops a trial whose objective has not improved for `patience` epochs. */
  readonly earlyStopping?: EarlyStoppingSpec;
  /**
   * Population Based Training: the trials are a population trained side by side, which every
   * `interval` epochs copies its best members' checkpoints into its worst and perturbs their
   * parameters. Absent: each trial trains with its parameters from start to end.
   */
  readonly scheduler?: SchedulerSpec;
  readonly budget: {
    /** Trials to finish; absent for an open-ended ask/tell study. */
    readonly trials?: number;
    readonly maxConcurrent?: number;
  };
  /** Each configuration is trained this many times with different seeds; the objective is the mean. */
  readonly repeats: number;
  readonly seed: number;
  /**
   * Seconds a run may go without reporting an epoch (from its start, then from its last epoch)
   * before its attempt is given up as lost: a worker that still sends heartbeats but whose
   * training hangs would otherwise hold the trial for ever. Absent: no limit.
   */
  readonly runTimeout?: number;
  /**
   * Checkpoints of built-in training: after every `every`-th epoch (default 1; 0: none), so a
   * re-queued run goes on from its last one; the best `keep` trials (default 0) keep their final
   * checkpoint (their model) once the sweep has moved on.
   */
  readonly checkpoint?: { readonly every: number; readonly keep: number };
  /** What each trial runs (training, or the synthetic task); absent when the user evaluates trials (ask/tell). */
  readonly task?: SweepTask;
}
