import type { Logger } from 'pino';
import { SearchExhaustedError } from '../src/errors/search-exhausted-error.js';
import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import { StaleAttemptError } from '../src/errors/stale-attempt-error.js';
import { Abandonment } from '../src/execution/abandonment.js';
import type { EpochDecision, RunAssignment, RunEnd } from '../src/execution/run-assignment.js';
import type { EpochReport, RunOutcome } from '../src/core/run-report.js';
import { gpusWanted } from '../src/execution/gpus-wanted.js';
import type { SweepTask } from '../src/execution/sweep-task.js';
import type { RunListener, TrialExecutor } from '../src/execution/trial-executor.js';
import { repeatSeed } from '../src/random/seed-streams.js';
import { PruningMonitor } from '../src/pruners/pruning-monitor.js';
import type { EpochMetrics } from '../src/core/metrics.js';
import type { StudySummary, TrialRecord, TrialResult } from '../src/store/records.js';
import { aggregateRepeats } from '../src/study/aggregate-repeats.js';
import { bestEpoch, metricValue } from '../src/core/objective.js';
import type { Study } from '../src/study/study.js';
import { ActiveTrial } from './active-trial.js';
import { RunDeadline } from './run-deadline.js';
import type { SweepEvent } from './sweep-events.js';
import { carriesOn, phaseAfter, RUNNING, startsTrials, type SweepPhase, type SweepPhaseEvent } from './sweep-phase.js';
import { resolution } from './trial-ending.js';
import { checkpointSettings, type CheckpointSettings } from './checkpoint-settings.js';
import { PopulationSchedule } from './population-schedule.js';

export interface SweepRunnerOptions {
  readonly study: Study;
  readonly executor: TrialExecutor;
  readonly logger: Logger;
  /**
   * Attempts a trial gets when its runs are lost with their workers; the last lost one makes it
   * FAILED. Interruptions by a stop request do not count against it.
   */
  readonly maxAttempts?: number;
  readonly onEvent?: (event: SweepEvent) => void;
  /** Called once trials left running by an earlier process are taken back or re-queued. */
  readonly onReady?: () => void;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * New trials asked for and written together at most. A study starting on many free slots asks
 * in batches of this many; each suggestion of a batch (TPE: about a millisecond with a long
 * history) runs before the batch is written, so a larger batch holds the coordinator longer.
 */
const MAX_ASKED_AT_ONCE = 64;

/**
 * fill() awaits the store while slots free up and trials are re-queued: one pass runs at a time,
 * and a call during it is noted so that the pass looks again before it ends.
 */
type FillPass = 'idle' | 'filling' | 'changed-while-filling';

export interface SweepResult {
  /** True when the sweep was stopped before reaching its budget. */
  readonly interrupted: boolean;
  readonly summary: StudySummary;
}

/**
 * Runs one study to its budget on an executor (shared with other studies' runners): asks the
 * sampler for trials, hands their repeats to free executor slots, records every epoch and result,
 * re-queues the trials whose runs were lost with a worker, and on a stop request puts unfinished
 * trials back in the queue so that a later `resume` runs them again.
 *
 * Its life cycle is `phase` (sweep-phase.ts); each active trial's fate is its `ending`
 * (trial-ending.ts), which `writeEnd` turns into the trial's end in the store.
 */
export class SweepRunner {
  private readonly active = new Map<number, ActiveTrial>();
  /**
   * The active trials that may have repeats to hand out, oldest first: fill() looks here, not at
   * every active trial, which with 8,000 trials running cost a pass over all of them per run handed out.
   */
  private readonly withPending = new Set<ActiveTrial>();
  private queued: TrialRecord[] = [];
  private trialCount = 0;
  /** Every change of phase goes through `phaseAfter` (sweep-phase.ts). */
  private phase: SweepPhase = RUNNING;
  /** The sampler has no point left: only queued trials still start, and the sweep is complete. */
  private searchExhausted = false;
  private fillPass: FillPass = 'idle';
  /** Trials whose end is being written: the sweep is not over until they are in the store. */
  private settling = 0;
  private finished?: () => void;
  private task!: SweepTask;
  /** Devices each of its runs holds: the executor places runs where they are free. */
  private gpus = 0;
  private monitor!: PruningMonitor;
  /** Whether runs save checkpoints, how often, and how many trials keep their final ones. */
  private checkpoints!: CheckpointSettings;
  /** Population Based Training's decision points, when the study has `scheduler: pbt`. */
  private pbt?: PopulationSchedule;
  /** One decision point is decided at a time; a call meanwhile is noted and looked at after it. */
  private deciding: 'idle' | 'deciding' | 'asked-again' = 'idle';

  constructor(private readonly options: SweepRunnerOptions) {}

  async sweep(signal: AbortSignal): Promise<SweepResult> {
    const { study, logger } = this.options;
    if (!study.definition.task) {
      throw new InvalidArgumentError(`study "${study.name}" has no training task: its trials are run through ask/tell`);
    }
    this.task = study.definition.task;
    this.gpus = gpusWanted(this.task);
    this.monitor = new PruningMonitor(study.definition);
    this.checkpoints = checkpointSettings(study.definition);
    const { scheduler } = study.definition;
    if (scheduler && this.task.type === 'train') {
      this.pbt = new PopulationSchedule(scheduler, study, this.task.training.epochs, logger);
      await this.pbt.load();
    }
    await this.loadCurves();
    this.queued = await study.trials(['QUEUED']);
    await this.recoverOrphans();
    const { counts } = await study.store.summariseStudy(study.id);
    this.trialCount = Object.values(counts).reduce((sum, n) => sum + n, 0);
    this.options.onReady?.();

    const done = new Promise<void>((resolve) => (this.finished = resolve));
    const stop = (): void => this.stop({ type: 'stop' }, 'interrupted');
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    const unsubscribe = this.options.executor.onFreeSlots(() => void this.fill());
    try {
      await this.fill();
      await done;
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', stop);
    }
    this.phase = phaseAfter(this.phase, { type: 'end' });
    if (this.phase.kind === 'done' && this.phase.error !== undefined) throw this.phase.error;
    const summary = await study.store.summariseStudy(study.id);
    const budget = study.definition.budget.trials;
    const finishedCount = summary.counts.COMPLETE + summary.counts.PRUNED + summary.counts.FAILED;
    logger.info({ counts: summary.counts, best: summary.bestValue }, 'sweep ended');
    return { interrupted: !this.searchExhausted && budget !== undefined && finishedCount < budget, summary };
  }

  /**
   * Trials left RUNNING by a process that stopped without settling them. Remote workers may
   * still be running them: an executor that can, takes them back. Otherwise nobody runs them
   * (we hold the study now): they go back to the queue and keep their finished repeats.
   */
  private async recoverOrphans(): Promise<void> {
    const { study, logger, executor } = this.options;
    for (const trial of await study.trials(['RUNNING'])) {
      if (executor.reclaim) {
        await this.reclaim(trial);
        continue;
      }
      const requeued = await study.requeue(trial, `attempt ${trial.attempt} did not finish: the process running it stopped`);
      this.queued.push(requeued);
      logger.warn({ trial: trial.number, attempt: trial.attempt }, 'requeued a trial left running by an earlier process');
      this.emit({ type: 'trial-requeued', trial: requeued });
    }
  }

  /** Waits for the workers still running a trial's repeats to report them; the ones nobody claims are lost. */
  private async reclaim(trial: TrialRecord): Promise<void> {
    const { study, logger, executor } = this.options;
    const active = new ActiveTrial(trial, study.definition.repeats, await study.store.getRepeats(trial.id));
    this.active.set(trial.number, active);
    this.monitor.restart(trial.number);
    const { metric } = study.definition.objective;
    let last = 0;
    for (const record of await study.store.getEpochs(trial.id)) {
      if (!active.pending.includes(record.repeat)) continue;
      active.recordEpoch(record.repeat, record.epoch, record);
      last = Math.max(last, record.epoch);
      // Replayed so the pruner and early stopping know the curve so far; live epochs decide.
      this.monitor.judge(trial.number, record.repeat, record.epoch, metricValue(record, metric));
    }
    if (this.pbt) active.params = this.pbt.paramsFrom(trial, last + 1);
    logger.info(
      { trial: trial.number, attempt: trial.attempt, repeats: active.pending },
      'waiting for workers to take back a running trial',
    );
    if (active.pending.length === 0) {
      await this.settle(active);
      return;
    }
    for (const repeat of active.pending.splice(0)) {
      this.dispatch(active, repeat, (assignment, listener, signal) => executor.reclaim!(assignment, listener, signal));
    }
  }

  /** The objective curves of finished trials, which the pruner compares running trials with. */
  private async loadCurves(): Promise<void> {
    if (!this.monitor.needsHistory) return;
    const { study } = this.options;
    const { metric } = study.definition.objective;
    for (const trial of await study.trials(['COMPLETE', 'PRUNED'])) {
      const curves = new Map<number, number[]>();
      for (const record of await study.store.getEpochs(trial.id)) {
        let values = curves.get(record.repeat);
        if (!values) curves.set(record.repeat, (values = []));
        values[record.epoch - 1] = metricValue(record, metric);
      }
      this.monitor.remember(trial.number, trial.state, curves);
    }
  }

  /** Starts no new trial: the sweep ends once the running ones have finished (or `signal` stops them). */
  drain(): void {
    this.phase = phaseAfter(this.phase, { type: 'drain' });
    // PBT: a member waiting at a decision point would wait for members that no longer start.
    for (const active of this.active.values()) if (active.waitingAt !== undefined && active.running.size === 0) void this.afterRun(active);
    this.checkDone();
  }

  /** Enters the stopping phase (a stop request, or an error): every running trial is stopped. */
  private stop(event: Extract<SweepPhaseEvent, { type: 'stop' | 'fail' }>, reason: string): void {
    const before = this.phase;
    this.phase = phaseAfter(before, event);
    if (!carriesOn(before)) return;
    this.options.logger.info({ reason, running: this.active.size }, 'stopping the sweep');
    for (const active of this.active.values()) {
      active.stopAll();
      // A trial waiting for a free slot has no run whose end would put it back in the queue.
      if (active.running.size === 0) void this.afterRun(active);
    }
    this.checkDone();
  }

  /** Hands out runs until the executor is full or nothing is left to start. */
  private async fill(): Promise<void> {
    if (this.fillPass !== 'idle') {
      // Something changed while a fill was under way (a trial re-queued, a slot freed): it
      // looks again before it ends rather than missing the change.
      this.fillPass = 'changed-while-filling';
      return;
    }
    this.fillPass = 'filling';
    try {
      while (carriesOn(this.phase) && this.options.executor.freeSlots(this.gpus) > 0) {
        this.fillPass = 'filling';
        const next = this.nextActive() ?? (await this.startTrial());
        if (!next) {
          if (this.changedWhileFilling) continue;
          break;
        }
        if (!carriesOn(this.phase)) {
          // Stopped while the trial was being started: it goes straight back to the queue.
          await this.settle(next);
          break;
        }
        const repeat = next.pending.shift() as number;
        if (next.pending.length === 0) this.withPending.delete(next);
        this.dispatch(next, repeat);
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.fillPass = 'idle';
      this.checkDone();
    }
  }

  /** As changedWhileFilling, for decidePoint(). */
  private get askedAgain(): boolean {
    return this.deciding === 'asked-again';
  }

  /** A getter, so that the compiler does not take `fillPass` to be still what fill() set before awaiting. */
  private get changedWhileFilling(): boolean {
    return this.fillPass === 'changed-while-filling';
  }

  private nextActive(): ActiveTrial | undefined {
    for (const active of this.withPending) {
      if (active.pending.length > 0 && !active.ended && this.active.get(active.trial.number) === active) return active;
      this.withPending.delete(active);
    }
    return undefined;
  }

  /**
   * Starts the next queued trial, or asks the sampler for new ones while the budget allows: as
   * many as the free slots take, written together (a wave of free slots, as when a study starts
   * on a thousand workers, costs a transaction per batch instead of one per trial). The first is
   * returned; the others wait for their slots with the trials whose repeats do.
   */
  private async startTrial(): Promise<ActiveTrial | undefined> {
    const { study, executor } = this.options;
    const { budget } = study.definition;
    if (!startsTrials(this.phase)) return undefined;
    if (budget.maxConcurrent !== undefined && this.active.size >= budget.maxConcurrent) return undefined;
    const queued = this.queued.shift();
    if (queued) return this.begin(await study.start(queued, executor.placements(this.gpus, 1)[0] as string), false);
    const count = this.askCount();
    if (count === 0) return undefined;
    let trials: TrialRecord[];
    try {
      trials = await study.askMany(executor.placements(this.gpus, count));
    } catch (error) {
      if (!(error instanceof SearchExhaustedError)) throw error;
      // Every grid point is taken (e.g. by trials enqueued by hand): the sweep is complete.
      this.options.logger.info({ study: study.name }, error.message);
      this.searchExhausted = true;
      return undefined;
    }
    this.trialCount += trials.length;
    const started: ActiveTrial[] = [];
    for (const trial of trials) started.push((await this.begin(trial, true)) as ActiveTrial);
    if (!carriesOn(this.phase)) {
      // Stopped while they were being written: back to the queue (the first, by the caller).
      for (const active of started.slice(1)) await this.settle(active);
    }
    return started[0];
  }

  /** How many new trials to ask for at once: a free slot's worth of repeats each, within the budget. */
  private askCount(): number {
    const { budget, repeats } = this.options.study.definition;
    if (this.searchExhausted) return 0;
    let count = Math.max(1, Math.floor(this.options.executor.freeSlots(this.gpus) / Math.max(1, repeats)));
    if (budget.trials !== undefined) count = Math.min(count, budget.trials - this.trialCount);
    if (budget.maxConcurrent !== undefined) count = Math.min(count, budget.maxConcurrent - this.active.size);
    return Math.max(0, Math.min(count, MAX_ASKED_AT_ONCE));
  }

  /**
   * A trial the store has just started (`fresh`: new, else re-queued) becomes active. Undefined, or
   * the next trial started, when it needs no slot: it waits at a decision point, or every repeat
   * finished in an earlier attempt.
   */
  private async begin(trial: TrialRecord, fresh: boolean): Promise<ActiveTrial | undefined> {
    const { study } = this.options;
    // Only a re-queued trial can have repeats finished by an earlier attempt; a new one has none to read.
    const finished = fresh ? [] : await study.store.getRepeats(trial.id);
    const active = new ActiveTrial(trial, study.definition.repeats, finished);
    this.monitor.restart(trial.number);
    if (!fresh) await this.findResumePoints(active);
    this.active.set(trial.number, active);
    if (!fresh) this.pbt?.rejoin(active);
    this.options.logger.info({ trial: trial.number, attempt: trial.attempt, params: active.params }, 'trial started');
    this.emit({ type: 'trial-started', trial });
    if (active.waitingAt !== undefined) {
      // Back at a decision point that was not decided: it waits there for the others.
      void this.afterRun(active);
      return this.startTrial();
    }
    if (active.pending.length > 0) this.withPending.add(active);
    if (active.pending.length === 0) {
      // Every repeat finished in an earlier attempt: only the final result is missing.
      await this.settle(active);
      return this.startTrial();
    }
    return active;
  }

  /**
   * A re-queued trial's unfinished repeats go on from their checkpoints: the epochs up to each
   * (which the store kept) are replayed, so the pruner, early stopping and the repeat's best
   * epoch see the whole curve. A checkpoint that is damaged, or whose epochs are not all stored,
   * is dropped with its epochs, with the reason logged: that repeat starts from its first epoch.
   */
  private async findResumePoints(active: ActiveTrial): Promise<void> {
    const { study, logger } = this.options;
    const { trial } = active;
    if (this.checkpoints.every === 0) return;
    const epochs = await study.store.getEpochs(trial.id);
    const { metric } = study.definition.objective;
    // An earlier attempt may have left checkpoints (or files of them) whatever this one does.
    active.checkpointed = true;
    for (const repeat of active.pending) {
      let checkpoint;
      let problem: string | undefined;
      try {
        checkpoint = await study.store.loadCheckpoint(trial.id, repeat);
      } catch (error) {
        problem = (error as Error).message;
      }
      const curve = epochs.filter((record) => record.repeat === repeat).sort((a, b) => a.epoch - b.epoch);
      if (checkpoint && (curve.length !== checkpoint.epoch || curve.some((record, index) => record.epoch !== index + 1)))
        problem = `its checkpoint is of epoch ${checkpoint.epoch}, but ${curve.length} of its epochs are stored`;
      if (problem !== undefined || !checkpoint) {
        if (problem !== undefined || curve.length > 0) {
          logger.warn({ trial: trial.number, repeat, reason: problem }, 'repeat starts again from its first epoch');
          await study.store.forgetCheckpoint(trial.id, trial.attempt, repeat);
        }
        continue;
      }
      active.resume.set(repeat, checkpoint);
      for (const record of curve) {
        active.recordEpoch(repeat, record.epoch, record);
        // Replayed so the pruner and early stopping know the curve so far; live epochs decide.
        this.monitor.judge(trial.number, repeat, record.epoch, metricValue(record, metric));
      }
      logger.info({ trial: trial.number, repeat, epoch: checkpoint.epoch }, 'repeat goes on from its checkpoint');
    }
  }

  private dispatch(
    active: ActiveTrial,
    repeat: number,
    start?: (assignment: RunAssignment, listener: RunListener, signal: AbortSignal) => Promise<RunEnd>,
  ): void {
    const { study, executor } = this.options;
    const { definition } = study;
    const controller = new AbortController();
    active.running.set(repeat, controller);
    const resume = active.resume.get(repeat);
    if (!start && !resume) active.curves.set(repeat, []);
    const { every, keep } = this.checkpoints;
    const assignment: RunAssignment = {
      study: study.name,
      trialNumber: active.trial.number,
      attempt: active.trial.attempt,
      repeat,
      seed: repeatSeed(definition.seed, repeat),
      params: active.params,
      task: this.task,
      objective: definition.objective,
      ...(every > 0 && {
        checkpoint: {
          every,
          final: keep > 0,
          ...(resume && { resume: { epoch: resume.epoch, bytes: resume.data.length, sha256: resume.sha256 } }),
          ...this.pbt?.plan(active.trial.number, resume?.epoch ?? 0),
        },
      }),
    };
    const listener: RunListener = {
      onEpoch: (report) => this.onEpoch(active, repeat, report),
      onCheckpoint: (epoch, data, sha256) => this.onCheckpoint(active, repeat, epoch, data, sha256),
      loadCheckpoint: () =>
        resume ? Promise.resolve(resume.data) : Promise.reject(new Error(`repeat ${repeat} has no checkpoint to go on from`)),
    };
    const timeout = definition.runTimeout;
    if (timeout !== undefined)
      active.deadlines.set(repeat, new RunDeadline(timeout, () => this.timedOut(active, repeat, controller, timeout)));
    (start ? start(assignment, listener, controller.signal) : executor.run(assignment, listener, controller.signal, active.trial.worker))
      .then((outcome) => this.onRunEnded(active, repeat, outcome))
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        active.resume.delete(repeat);
        active.running.delete(repeat);
        active.deadlines.get(repeat)?.clear();
        active.deadlines.delete(repeat);
        void this.afterRun(active);
      });
  }

  /** The run reported no epoch within `run_timeout`: its attempt is given up, without waiting for it. */
  private timedOut(active: ActiveTrial, repeat: number, controller: AbortController, seconds: number): void {
    const reason = `repeat ${repeat} reported no epoch for ${seconds} s (run_timeout)`;
    controller.abort(new Abandonment(reason));
    this.endAttempt(active, `attempt ${active.trial.attempt} timed out: ${reason}`);
  }

  /**
   * Ends the trial's attempt as lost: its runs stop and it runs again (or, after its last
   * attempt, fails with the reason). For what no retry of the same report can fix: a run that
   * hangs, a result the store refuses.
   */
  private endAttempt(active: ActiveTrial, reason: string): void {
    if (!active.end({ kind: 'lost', reason, counts: true })) return;
    this.options.logger.warn({ trial: active.trial.number, attempt: active.trial.attempt, reason }, 'attempt ended');
    active.stopAll();
  }

  /** Records the epoch, then asks the pruner and the early-stopping rule whether the run goes on. */
  private async onEpoch(active: ActiveTrial, repeat: number, report: EpochReport): Promise<EpochDecision> {
    if (active.ended || !carriesOn(this.phase)) return 'stop';
    const { study, logger } = this.options;
    active.deadlines.get(repeat)?.restart();
    try {
      await study.report(active.trial, report.epoch, report.metrics, repeat);
    } catch (error) {
      if (!(error instanceof StaleAttemptError))
        this.endAttempt(
          active,
          `attempt ${active.trial.attempt} failed: epoch ${report.epoch} of repeat ${repeat} could not be stored (${(error as Error).message})`,
        );
      return 'stop';
    }
    active.recordEpoch(repeat, report.epoch, report.metrics);
    this.emit({ type: 'epoch', trial: active.trial, repeat, report });
    const value = metricValue(report.metrics, study.definition.objective.metric);
    const verdict = this.monitor.judge(active.trial.number, repeat, report.epoch, value);
    switch (verdict.action) {
      case 'continue':
        if (!this.pbt?.isPoint(report.epoch)) return 'continue';
        // The run stops here with a checkpoint (its plan's stopAfter): the population decides how it goes on.
        active.waitingAt = report.epoch;
        return 'stop';
      case 'early-stop':
        active.earlyStopped.add(repeat);
        logger.info({ trial: active.trial.number, repeat, epoch: report.epoch, reason: verdict.reason }, 'early stopping');
        return 'stop';
      case 'prune':
        active.end({ kind: 'pruned', reason: `pruned at epoch ${report.epoch}: ${verdict.reason}` });
        logger.info({ trial: active.trial.number, epoch: report.epoch, reason: verdict.reason }, 'trial pruned');
        active.stopAll();
        return 'stop';
    }
  }

  /**
   * Keeps a run's checkpoint, once the epoch it follows is stored (a checkpoint ahead of the
   * stored epochs could not be gone on from). A checkpoint that cannot be kept (a full disk, a
   * stale attempt) costs the run nothing: it goes on, and a later one may be kept.
   */
  private async onCheckpoint(active: ActiveTrial, repeat: number, epoch: number, data: Uint8Array, sha256: string): Promise<void> {
    const { study, logger } = this.options;
    active.checkpointed = true;
    if (active.ended || (active.curves.get(repeat)?.length ?? 0) < epoch) return;
    try {
      await study.store.saveCheckpoint(active.trial.id, active.trial.attempt, repeat, { epoch, sha256, data });
    } catch (error) {
      if (error instanceof StaleAttemptError) return;
      logger.warn({ trial: active.trial.number, repeat, epoch, reason: (error as Error).message }, 'a checkpoint could not be kept');
    }
  }

  private async onRunEnded(active: ActiveTrial, repeat: number, outcome: RunEnd): Promise<void> {
    const { study, logger } = this.options;
    // Before the repeat's result or the trial's end: a FAILED trial keeps the output that says why.
    if ('log' in outcome && outcome.log) await this.recordLog(active, repeat, outcome.log);
    if (outcome.status === 'stopped' && active.earlyStopped.has(repeat) && !active.ended) {
      // Early stopping ended this repeat: it is finished, with the epochs it trained.
      await this.recordRepeat(active, repeat, outcome);
      return;
    }
    switch (outcome.status) {
      case 'finished':
        await this.recordRepeat(active, repeat, outcome);
        return;
      case 'diverged':
        active.end({
          kind: 'failed',
          reason: repeat === 0 && study.definition.repeats === 1 ? outcome.reason : `repeat ${repeat} ${outcome.reason}`,
        });
        break;
      case 'error':
        active.end({ kind: 'failed', reason: `repeat ${repeat} failed: ${outcome.message}` });
        break;
      case 'stopped':
        return;
      case 'lost':
      case 'handed-back':
        if (!active.end({ kind: 'lost', reason: outcome.reason, counts: outcome.status === 'lost' })) return;
        logger.warn({ trial: active.trial.number, attempt: active.trial.attempt, repeat, reason: outcome.reason }, 'run lost');
        active.stopAll();
        return;
    }
    // The first failure is the trial's, whatever this repeat's was.
    const { ending } = active;
    logger.warn({ trial: active.trial.number, repeat, reason: ending.kind === 'failed' ? ending.reason : undefined }, 'trial failed');
    active.stopAll();
  }

  /** A log the store refuses costs the log, not the trial: the outcome is recorded all the same. */
  private async recordLog(active: ActiveTrial, repeat: number, log: string): Promise<void> {
    try {
      await this.options.study.recordLog(active.trial, repeat, log);
    } catch (error) {
      if (error instanceof StaleAttemptError) return;
      this.options.logger.warn(
        { trial: active.trial.number, repeat, error: (error as Error).message },
        'the log of the run could not be stored',
      );
    }
  }

  /** A repeat's result is its best epoch's value of the objective, as the reference reports select. */
  private async recordRepeat(
    active: ActiveTrial,
    repeat: number,
    outcome: Extract<RunOutcome, { status: 'finished' | 'stopped' }>,
  ): Promise<void> {
    const { study } = this.options;
    const { objective, seed } = study.definition;
    const { epochs, trainSeconds, test } = outcome;
    // A PBT member's model descends from the state it last copied: its best epoch is looked for since then.
    const since = this.pbt?.lastExploit(active.trial.number) ?? 0;
    const found = bestEpoch((active.curves.get(repeat) ?? []).slice(since), objective.metric, objective.direction);
    const best = { value: found.value, epoch: found.epoch + since };
    const result = {
      repeat,
      seed: repeatSeed(seed, repeat),
      value: best.value,
      epochs,
      bestEpoch: best.epoch,
      trainSeconds,
      ...(test && { test }),
    };
    try {
      await study.recordRepeat(active.trial, result);
    } catch (error) {
      if (error instanceof StaleAttemptError) return;
      this.endAttempt(
        active,
        `attempt ${active.trial.attempt} failed: the result of repeat ${repeat} could not be stored (${(error as Error).message})`,
      );
      return;
    }
    active.results.push(result);
  }

  private async afterRun(active: ActiveTrial): Promise<void> {
    try {
      if (active.isSettled || (this.phase.kind === 'stopping' && active.running.size === 0) || this.drainedAtPoint(active))
        await this.settle(active);
      else if (this.pbt && active.waitingAt !== undefined && active.running.size === 0) {
        this.pbt.wait(active);
        await this.decidePoint();
      }
    } catch (error) {
      this.fail(error);
    }
    await this.fill();
  }

  /** PBT, draining: a member goes back to the queue at its decision point (`resume` goes on from there). */
  private drainedAtPoint(active: ActiveTrial): boolean {
    return this.pbt !== undefined && active.waitingAt !== undefined && active.running.size === 0 && !startsTrials(this.phase);
  }

  /**
   * PBT: once every member still training waits at the decision point, decides it; each member
   * then goes on from its own or a better member's checkpoint with its parameters.
   */
  private async decidePoint(): Promise<void> {
    const pbt = this.pbt;
    if (!pbt) return;
    if (this.deciding !== 'idle') {
      this.deciding = 'asked-again';
      return;
    }
    try {
      do {
        this.deciding = 'deciding';
        if (!carriesOn(this.phase)) return;
        const { study } = this.options;
        const { counts } = await study.store.summariseStudy(study.id);
        const live = (study.definition.budget.trials ?? 0) - counts.COMPLETE - counts.PRUNED - counts.FAILED;
        let next;
        try {
          next = await pbt.decideIfReady(live);
        } catch (error) {
          // Stopped meanwhile: the members went back to the queue, and the point is decided on `resume`.
          if (!carriesOn(this.phase)) return;
          throw error;
        }
        if (!next) continue;
        for (const { active, params, checkpoint } of next) {
          active.params = params;
          active.waitingAt = undefined;
          active.resume.set(0, checkpoint);
          active.checkpointed = true;
          active.pending.push(0);
          this.withPending.add(active);
        }
      } while (this.askedAgain);
    } finally {
      this.deciding = 'idle';
    }
  }

  /** Writes the trial's end: its result, its failure, or (when stopping) its return to the queue. */
  private async settle(active: ActiveTrial): Promise<void> {
    const { logger } = this.options;
    if (!this.active.delete(active.trial.number)) return;
    this.pbt?.leave(active.trial.number);
    this.settling++;
    try {
      let trial: TrialRecord | undefined;
      try {
        trial = await this.writeEnd(active);
      } catch (error) {
        // The store refused the trial's result: the attempt is lost, and the trial runs again or
        // fails with the reason. A failure or loss it could not write either means the store is
        // unusable: the sweep stops.
        if (active.ended || error instanceof StaleAttemptError) throw error;
        this.endAttempt(active, `attempt ${active.trial.attempt} failed: its end could not be stored (${(error as Error).message})`);
        trial = await this.writeEnd(active);
      }
      if (!trial) return;
      this.monitor.setState(trial.number, trial.state);
      logger.info({ trial: trial.number, state: trial.state, value: trial.result?.value, reason: trial.reason }, 'trial finished');
      // Only after a trial that had checkpoints: a store write per trial is a cost every other sweep would pay.
      if (active.checkpointed) await this.retainCheckpoints();
      this.emit({ type: 'trial-finished', trial });
      // One member fewer to wait for at the decision point.
      await this.decidePoint();
    } finally {
      this.settling--;
    }
  }

  /** Writes the trial's end and returns it finished, or undefined when it went back to the queue. */
  private async writeEnd(active: ActiveTrial): Promise<TrialRecord | undefined> {
    const { study, logger } = this.options;
    const end = resolution(active.ending, {
      allRepeatsDone: active.pending.length === 0 && active.results.length === study.definition.repeats,
      lostAttempts: active.trial.lostAttempts,
      maxAttempts: this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    });
    switch (end.kind) {
      case 'failed':
        return study.finish(active.trial, { state: 'FAILED', reason: end.reason });
      case 'pruned':
        return study.finish(active.trial, { state: 'PRUNED', reason: end.reason, ...this.prunedResult(active) });
      case 'complete':
        return study.finish(active.trial, { state: 'COMPLETE', result: aggregateRepeats(active.results) });
      case 'requeued-lost': {
        const trial = await study.requeue(active.trial, end.reason, { lost: end.counted });
        logger.warn({ trial: trial.number, attempt: active.trial.attempt, reason: end.reason }, 'trial re-queued');
        this.emit({ type: 'trial-requeued', trial });
        if (carriesOn(this.phase)) this.queued.push(trial);
        return undefined;
      }
      case 'requeued-interrupted': {
        const trial = await study.requeue(active.trial, end.reason);
        this.emit({ type: 'trial-requeued', trial });
        return undefined;
      }
    }
  }

  /**
   * A pruned trial keeps how far it got: its last epoch and the objective there (mean over
   * repeats), which is how TPE ranks pruned trials against each other.
   */
  private prunedResult(active: ActiveTrial): { result?: TrialResult } {
    const last = this.monitor.lastStep(active.trial.number);
    if (!last) return {};
    const { objective } = this.options.study.definition;
    const curves = [...active.curves.values()];
    const longest = curves.reduce<EpochMetrics[]>((a, b) => (b.length > a.length ? b : a), []);
    const seconds = curves.map((curve) => curve.reduce((sum, m) => sum + (m.epochSeconds ?? 0), 0));
    return {
      result: {
        value: last.value,
        repeats: Math.max(1, curves.length),
        epochs: last.epoch,
        bestEpoch: bestEpoch(longest, objective.metric, objective.direction).epoch,
        trainSeconds: seconds.length > 0 ? seconds.reduce((a, b) => a + b, 0) / seconds.length : 0,
      },
    };
  }

  /** An ended trial's checkpoints are deleted, but for the final ones of the best `checkpoint.keep` trials. */
  private async retainCheckpoints(): Promise<void> {
    const { study, logger } = this.options;
    try {
      await study.store.retainCheckpoints(study.id, this.checkpoints.keep);
    } catch (error) {
      logger.warn({ reason: (error as Error).message }, 'checkpoints of ended trials could not be deleted');
    }
  }

  private fail(error: unknown): void {
    this.options.logger.error({ err: error }, 'the sweep cannot go on');
    this.stop({ type: 'fail', error: error instanceof Error ? error : new Error(String(error)) }, 'error');
  }

  private checkDone(): void {
    if (this.fillPass !== 'idle' || this.settling > 0 || this.active.size > 0 || this.hasWorkLeft) return;
    this.finished?.();
  }

  /** Trials still to run; with no free slot (no worker yet) the sweep waits for one. */
  private get hasWorkLeft(): boolean {
    if (!startsTrials(this.phase) || this.searchExhausted) return false;
    const { trials } = this.options.study.definition.budget;
    return this.queued.length > 0 || trials === undefined || this.trialCount < trials;
  }

  private emit(event: SweepEvent): void {
    this.options.onEvent?.(event);
  }
}
