import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { RunOutcome } from '../../src/core/run-report.js';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import type { RunListener } from '../../src/execution/trial-executor.js';
import type { ModuleTask } from '../../src/user-code/module-task.js';
import { InProcessExecutor } from '../in-process-executor.js';
import type { ModuleThreadTask } from './module-messages.js';
import { ModuleRun } from './module-run.js';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CheckpointFolder } from '../checkpoint/checkpoint-folder.js';
import { checkpointPathOf, runLogPath } from '../command/capped-log-file.js';

/** How long a module gets to return after its signal aborts before its thread is terminated. */
const STOP_GRACE_MS = 10_000;

export interface ModulePoolOptions {
  /** Worker threads, each running one module run at a time. */
  readonly threads: number;
  readonly logger: Logger;
  /** Where runs' checkpoint folders go on this machine (as command runs' logs do; default: the temp dir's sweeper-logs). */
  readonly logDir?: string;
  /** Where package names are resolved from; the worker's current directory unless given. */
  readonly resolveFrom?: string;
  /** Milliseconds between a stop and the termination of a thread whose module ignores it. */
  readonly stopGraceMs?: number;
}

/**
 * Runs module tasks (a user's `train(params, context)`) on a Piscina pool of its own, so that
 * these threads never load TensorFlow.js unless the user's module does. A thread that crashes
 * (process.exit, an uncaught exception) fails its run only: Piscina starts another.
 */
export class ModulePool extends InProcessExecutor {
  private readonly pool: Piscina<ModuleThreadTask, void>;
  private readonly logger: Logger;
  private readonly resolveFrom: string;
  private readonly stopGraceMs: number;
  private readonly logDir: string;

  constructor(options: ModulePoolOptions) {
    const { threads } = options;
    if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`options.threads must be a positive integer, but got ${threads}`);
    const stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
    if (!Number.isFinite(stopGraceMs) || stopGraceMs < 0)
      throw new TypeError(`options.stopGraceMs must be a non-negative number, but got ${stopGraceMs}`);
    super(threads);
    this.logger = options.logger;
    this.resolveFrom = options.resolveFrom ?? process.cwd();
    this.stopGraceMs = stopGraceMs;
    this.logDir = options.logDir ?? join(tmpdir(), 'sweeper-logs');
    this.pool = new Piscina({
      filename: new URL('./module-thread.js', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  protected execute(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunOutcome> {
    const { task } = assignment;
    if (task.type !== 'module')
      return Promise.resolve({ status: 'error', message: `a module pool runs module tasks only, but got a ${task.type} task` });
    return this.runModule(assignment, task, listener, signal);
  }

  private async runModule(assignment: RunAssignment, task: ModuleTask, listener: RunListener, signal: AbortSignal): Promise<RunOutcome> {
    const { port1, port2 } = new MessageChannel();
    const terminate = new AbortController();
    const folder = checkpointPathOf(
      runLogPath(this.logDir, assignment.study, assignment.trialNumber, assignment.repeat, assignment.attempt),
    );
    const checkpoints = await CheckpointFolder.prepare(folder, assignment, listener, this.logger).catch((error: unknown) => {
      // A folder that cannot be made costs the run its checkpoints, not the run.
      this.logger.warn({ trial: assignment.trialNumber, reason: (error as Error).message }, 'no checkpoint folder for the run');
      return undefined;
    });
    const logger = this.logger;
    const run = new ModuleRun({ assignment, task, listener, port: port1, logger, stopGraceMs: this.stopGraceMs, terminate, checkpoints });
    const onStop = (): void => run.stop('the run was stopped');
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
    const threadTask: ModuleThreadTask = {
      module: task.module,
      exportName: task.export,
      resolveFrom: this.resolveFrom,
      params: assignment.params,
      context: {
        seed: assignment.seed,
        repeat: assignment.repeat,
        trial: assignment.trialNumber,
        study: assignment.study,
        epochs: task.epochs,
        ...(checkpoints && { checkpointDir: checkpoints.path }),
        ...(checkpoints?.resumedEpoch !== undefined && { resumeEpoch: checkpoints.resumedEpoch }),
      },
      port: port2,
    };
    try {
      await this.pool.run(threadTask, { transferList: [port2], signal: terminate.signal }).then(
        () => undefined,
        (error: unknown) => run.threadEnded(error as Error),
      );
      return await run.outcome;
    } finally {
      signal.removeEventListener('abort', onStop);
      run.dispose();
      await checkpoints?.remove().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
