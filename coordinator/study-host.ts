import type { Logger } from 'pino';
import { parseSweep } from '../src/config/load-sweep-file.js';
import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import { InvalidStateError } from '../src/errors/invalid-state-error.js';
import type { TrialExecutor } from '../src/execution/trial-executor.js';
import type { StudyOwner, StudySummary } from '../src/store/records.js';
import type { TrialStore } from '../src/store/trial-store.js';
import { Study } from '../src/study/study.js';
import { threadDatasetChecker, type DatasetChecker } from './dataset-checker.js';
import { SweepRunner, type SweepResult } from './sweep-runner.js';

export interface StudyHostOptions {
  readonly store: TrialStore;
  readonly executor: TrialExecutor;
  readonly logger: Logger;
  /** This coordinator, as recorded on the studies it runs. */
  readonly owner: StudyOwner;
  /** Take studies whose lock another live process holds (a person's decision: `--take-over`). */
  readonly takeOver?: boolean;
  /** Called for each study so taken from a process that still held it. */
  readonly onTakeOver?: (study: string, previous: StudyOwner | undefined) => void;
  readonly maxAttempts?: number;
  /** Checks a submitted sweep's dataset files (default: each in a thread of its own, bounded in time). */
  readonly datasetChecker?: DatasetChecker;
}

interface HostedStudy {
  readonly study: Study;
  readonly runner: SweepRunner;
  readonly controller: AbortController;
  readonly done: Promise<SweepResult | undefined>;
}

/**
 * The studies a coordinator runs at once, each with its own sweep runner, all sharing one
 * executor (the workers' threads). Studies submitted to a coordinator are marked hosted in the
 * store, so that a coordinator started again on the same store carries on with them.
 */
export class StudyHost {
  private readonly studies = new Map<string, HostedStudy>();
  private readonly checkDataset: DatasetChecker;

  constructor(private readonly options: StudyHostOptions) {
    this.checkDataset = options.datasetChecker ?? threadDatasetChecker();
  }

  /** Resumes every hosted study that has trials left; resolves once each has taken back its running trials. */
  async resumeHosted(): Promise<string[]> {
    const resumed: string[] = [];
    for (const summary of await this.options.store.listStudies()) {
      if (!summary.hosted || !hasTrialsLeft(summary)) continue;
      try {
        await this.start(await Study.open(this.options.store, summary.name));
        resumed.push(summary.name);
      } catch (error) {
        // Another live process runs it (e.g. `sweeper resume`): that one carries it on.
        if (!(error instanceof InvalidStateError)) throw error;
        this.options.logger.warn({ study: summary.name, reason: error.message }, 'not resuming a hosted study');
      }
    }
    return resumed;
  }

  /**
   * Creates a study from a sweep file's text and starts it. Once `signal` has fired (the client
   * gave up) the study is not created: the client was told the submit failed.
   */
  async submit(sweepYaml: string, fileName: string, studyName?: string, signal?: AbortSignal): Promise<Study> {
    const { definition, source } = parseSweep(sweepYaml, fileName, { ...(studyName !== undefined && { studyName }) });
    if (!definition.task)
      throw new InvalidArgumentError(`${fileName}: a study run by a coordinator needs a task (dataset and training, or synthetic)`);
    // Headers and sizes only: a missing or broken file is refused before the study exists,
    // instead of failing every trial on the workers.
    if (definition.task.type === 'train') await this.checkDataset(definition.task.dataset, signal);
    signal?.throwIfAborted();
    const study = await Study.createFromDefinition(this.options.store, definition, { ...source, path: fileName });
    await this.options.store.setHosted(study.id, true);
    await this.start(study);
    return study;
  }

  isActive(name: string): boolean {
    return this.studies.has(name);
  }

  /** Waits until every study has ended or been drained. */
  async idle(): Promise<void> {
    while (this.studies.size > 0) await Promise.all([...this.studies.values()].map((hosted) => hosted.done));
  }

  /**
   * Stops taking new trials; running ones get `graceMs` to finish, then they are stopped and go
   * back to the queue, where a coordinator started later on this store picks them up.
   */
  async drain(graceMs: number): Promise<void> {
    const hosted = [...this.studies.values()];
    for (const { runner } of hosted) runner.drain();
    const all = Promise.all(hosted.map((h) => h.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.options.logger.warn({ graceMs }, 'drain time is up: stopping the running trials; they go back to the queue');
      for (const { controller } of hosted) controller.abort();
      await all;
    }
  }

  private async start(study: Study): Promise<void> {
    const { store, executor, logger, owner, maxAttempts } = this.options;
    const claim = await store.claimStudy(study.id, owner, { takeOver: this.options.takeOver === true });
    if (claim.previousAlive) {
      logger.warn({ study: study.name, previous: claim.previous }, 'took over a study whose owner still held its lock');
      this.options.onTakeOver?.(study.name, claim.previous);
    } else if (claim.previous !== undefined) {
      logger.info({ study: study.name, previous: claim.previous }, 'the process that ran this study has ended: carrying on');
    }
    const controller = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const runner = new SweepRunner({
      study,
      executor,
      logger: logger.child({ study: study.name }),
      onReady: ready,
      ...(maxAttempts !== undefined && { maxAttempts }),
    });
    const done = runner
      .sweep(controller.signal)
      .then((result) => {
        logger.info(
          { study: study.name, counts: result.summary.counts, interrupted: result.interrupted },
          result.interrupted ? 'study stopped' : 'study finished',
        );
        return result;
      })
      .catch((error: unknown) => {
        logger.error({ err: error, study: study.name }, 'study stopped by an error');
        return undefined;
      })
      .finally(async () => {
        this.studies.delete(study.name);
        await store.releaseStudy(study.id, owner.id).catch(() => undefined);
      });
    this.studies.set(study.name, { study, runner, controller, done });
    await Promise.race([isReady, done]);
  }
}

function hasTrialsLeft(summary: StudySummary): boolean {
  const finished = summary.counts.COMPLETE + summary.counts.PRUNED + summary.counts.FAILED;
  return summary.budget === undefined || finished < summary.budget;
}
