import { SearchExhaustedError } from '../errors/search-exhausted-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { formatPath } from '../errors/path-problem.js';
import { createSampler } from '../samplers/create-sampler.js';
import type { Sampler, TrialSnapshot } from '../samplers/sampler.js';
import type { ParamValues } from '../space/param-spec.js';
import { SearchSpace } from '../space/search-space.js';
import type { EpochMetrics } from '../core/metrics.js';
import type { RepeatResult, StudyRecord, StudySource, TrialOutcome, TrialRecord } from '../store/records.js';
import type { TrialStore } from '../store/trial-store.js';
import type { StudyDefinition } from '../store/study-definition.js';
import { studyDefinitionFromOptions, type StudyOptions } from './study-options.js';
import type { TrialState } from '../core/trial-state.js';

/** Who runs trials asked for through the API, when the caller does not say. */
const API_WORKER = 'api';

/**
 * One study: asks the sampler for new trials and records what happens to them. Every change to
 * the study's trials goes through here, so the sampler's view of the history is kept up to date
 * as trials finish instead of being rebuilt from the store for each suggestion.
 *
 * This is also the in-process ask/tell API:
 *   const study = await Study.create(store, { name, space, direction: 'maximize' });
 *   const trial = await study.ask();
 *   await study.tell(trial, accuracy);
 */
export class Study {
  readonly space: SearchSpace;
  private readonly sampler: Sampler;
  private readonly history = new Map<number, TrialSnapshot>();

  private constructor(
    readonly store: TrialStore,
    readonly record: StudyRecord,
    trials: readonly TrialRecord[],
  ) {
    this.space = SearchSpace.fromDefinition(record.definition.space);
    this.sampler = createSampler(record.definition.sampler);
    for (const trial of trials) this.remember(trial);
  }

  /** Creates a study from API options, validated like a sweep file (ConfigError otherwise). */
  static async create(store: TrialStore, options: StudyOptions): Promise<Study> {
    const definition = studyDefinitionFromOptions(options);
    return Study.createFromDefinition(store, definition, { text: JSON.stringify(options, null, 2), format: 'json' });
  }

  /** Creates a study from a definition already checked (e.g. by `loadSweepFile`). */
  static async createFromDefinition(store: TrialStore, definition: StudyDefinition, source?: StudySource): Promise<Study> {
    return new Study(store, await store.createStudy(definition, source), []);
  }

  static async open(store: TrialStore, name: string): Promise<Study> {
    const record = await store.getStudy(name);
    return new Study(store, record, await store.listTrials(record.id));
  }

  get name(): string {
    return this.record.name;
  }

  get id(): number {
    return this.record.id;
  }

  get definition(): StudyDefinition {
    return this.record.definition;
  }

  /**
   * A new RUNNING trial with parameters from the sampler. Throws SearchExhaustedError, having
   * written nothing, when the sampler has no point left (every point of a grid is taken).
   */
  async ask(options: { worker?: string } = {}): Promise<TrialRecord> {
    const [trial] = await this.askMany([options.worker ?? API_WORKER]);
    return trial as TrialRecord;
  }

  /**
   * New RUNNING trials, the i-th on `workers[i]`, written together: fewer when the sampler runs
   * out of points part-way. Each suggestion sees the ones before it in the batch as running
   * trials, as if they had been asked for one by one. Throws SearchExhaustedError, having
   * written nothing, when the sampler has no point left at all.
   */
  async askMany(workers: readonly string[]): Promise<TrialRecord[]> {
    let asked: TrialSnapshot[] = [];
    const trials = await this.store.createTrials(
      this.id,
      (number) => {
        // A PostgreSQL write run again after a lost connection asks again from its first number.
        asked = asked.filter((trial) => trial.number < number);
        const params = this.sampler.suggest({
          space: this.space,
          direction: this.definition.objective.direction,
          trialNumber: number,
          trials: [...this.history.values(), ...asked],
        });
        if (params) asked.push({ number, state: 'RUNNING', params });
        return params;
      },
      workers,
    );
    if (trials.length === 0 && workers.length > 0)
      throw new SearchExhaustedError(
        `study "${this.name}" has tried every point of its ${this.sampler.name} search: there is nothing new to ask for`,
      );
    return trials.map((trial) => this.remember(trial));
  }

  /** Queues a trial with parameters the caller chose (checked against the space). */
  async enqueue(params: ParamValues): Promise<TrialRecord> {
    const problems = this.space.checkValues(params);
    if (problems.length > 0) {
      throw new InvalidArgumentError(
        `parameters do not fit study "${this.name}": ${problems.map((p) => `${formatPath(p.path)} ${p.message}`).join('; ')}`,
      );
    }
    return this.remember(await this.store.createTrial(this.id, params));
  }

  async start(trial: TrialRecord, worker: string): Promise<TrialRecord> {
    return this.remember(await this.store.startTrial(trial.id, worker));
  }

  /** Records one epoch's metrics of a running trial. */
  async report(trial: TrialRecord, epoch: number, metrics: EpochMetrics, repeat = 0): Promise<void> {
    await this.store.recordEpoch(trial.id, trial.attempt, repeat, epoch, metrics);
  }

  async recordRepeat(trial: TrialRecord, result: RepeatResult): Promise<void> {
    await this.store.recordRepeat(trial.id, trial.attempt, result);
  }

  /** Keeps the end of a repeat's output (RunOutcome.log), whatever the run's outcome. */
  async recordLog(trial: TrialRecord, repeat: number, log: string): Promise<void> {
    await this.store.recordLog(trial.id, trial.attempt, repeat, log);
  }

  async finish(trial: TrialRecord, outcome: TrialOutcome): Promise<TrialRecord> {
    return this.remember(await this.store.finishTrial(trial.id, trial.attempt, outcome));
  }

  /** Back to the queue; `lost` when its run was lost, which counts towards the retry limit. */
  async requeue(trial: TrialRecord, reason: string, options: { lost?: boolean } = {}): Promise<TrialRecord> {
    return this.remember(await this.store.requeueTrial(trial.id, trial.attempt, reason, options));
  }

  /**
   * Ends a running trial with its objective value (COMPLETE), or with another outcome.
   * `trial` is the record `ask` returned, or the trial's number.
   */
  async tell(trial: TrialRecord | number, outcome: number | TrialOutcome): Promise<TrialRecord> {
    const record = typeof trial === 'number' ? await this.store.getTrial(this.id, trial) : trial;
    if (typeof outcome === 'number') {
      if (!Number.isFinite(outcome)) {
        throw new InvalidArgumentError(
          `the value told for trial ${record.number} must be a finite number, but got ${outcome}`,
          'tell a diverged trial as { state: "FAILED", reason }',
        );
      }
      const seconds = record.startedAt ? (Date.now() - Date.parse(record.startedAt)) / 1000 : 0;
      return this.finish(record, {
        state: 'COMPLETE',
        result: { value: outcome, repeats: 1, epochs: 0, bestEpoch: 0, trainSeconds: seconds },
      });
    }
    return this.finish(record, outcome);
  }

  async trials(states?: readonly TrialState[]): Promise<TrialRecord[]> {
    return this.store.listTrials(this.id, states ? { states } : {});
  }

  async best(limit = 1): Promise<TrialRecord[]> {
    return this.store.bestTrials(this.id, limit);
  }

  private remember(trial: TrialRecord): TrialRecord {
    this.history.set(trial.number, {
      number: trial.number,
      state: trial.state,
      params: trial.params,
      ...(trial.result && { value: trial.result.value }),
      ...(trial.state === 'PRUNED' && trial.result && { step: trial.result.epochs }),
    });
    return trial;
  }
}
