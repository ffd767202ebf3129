import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { DatasetCache } from '../src/datasets/dataset-cache.js';
import type { DatasetSplit } from '../src/datasets/dataset-split.js';
import { abandonmentOf } from '../src/execution/abandonment.js';
import type { RunAssignment } from '../src/execution/run-assignment.js';
import type { RunOutcome } from '../src/core/run-report.js';
import type { RunListener } from '../src/execution/trial-executor.js';
import { InProcessExecutor } from './in-process-executor.js';
import type { BackendPreference } from '../src/training/backend-preference.js';
import type { ThreadMessage, ThreadOptions, ThreadTask } from './thread-messages.js';

/**
 * How long an abandoned run's thread gets to notice its stop flag before it is terminated: one
 * batch takes far less, so a thread still busy after this is stuck (and would hold its slot for ever).
 */
const ABANDONED_STOP_MS = 10_000;

export interface LocalPoolOptions {
  /** Worker threads, each training one run at a time; defaults to the number of cores. */
  readonly threads?: number;
  readonly backend?: BackendPreference;
  readonly logger: Logger;
  /** Shared with the caller, so that data it already loaded is not loaded again. */
  readonly datasets?: DatasetCache;
}

/**
 * Runs assignments on a Piscina pool of worker threads in this process. Threads live as long as
 * the pool (idleTimeout: Infinity): a thread's first run pays the WebAssembly start-up, later
 * ones do not. Stop requests travel through a shared flag the thread checks after each batch; an
 * abandoned run's thread that does not stop is terminated (Piscina starts a new one).
 */
export class LocalPool extends InProcessExecutor {
  private readonly pool: Piscina<ThreadTask, void>;
  private readonly datasets: DatasetCache;
  private readonly logger: Logger;

  constructor(options: LocalPoolOptions) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`options.threads must be a positive integer, but got ${threads}`);
    super(threads);
    this.logger = options.logger;
    this.datasets = options.datasets ?? new DatasetCache();
    const workerData: ThreadOptions = { backend: options.backend ?? 'auto' };
    this.pool = new Piscina({
      filename: new URL('./train-thread.js', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
    });
  }

  protected async execute(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunOutcome> {
    const { task } = assignment;
    if (task.type !== 'train') return { status: 'error', message: `a thread pool runs training tasks only, but got a ${task.type} task` };
    let split: DatasetSplit;
    try {
      split = await this.datasets.load(task.dataset);
    } catch (error) {
      return { status: 'error', message: (error as Error).message };
    }
    // Without its checkpoint the run starts from its first epoch: the same epochs again (training
    // is deterministic), later; never a failed trial.
    let resume: Uint8Array | undefined;
    if (assignment.checkpoint?.resume) {
      try {
        if (!listener.loadCheckpoint) throw new Error('nothing gives its bytes');
        resume = await listener.loadCheckpoint();
      } catch (error) {
        this.logger.warn(
          { trial: assignment.trialNumber, repeat: assignment.repeat, reason: (error as Error).message },
          'the checkpoint to go on from could not be had: the run starts from its first epoch',
        );
      }
    }
    const stopFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const answered = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    // After the stop flag, so that a thread woken by the answer sees the decision.
    const answer = (epoch: number): void => {
      Atomics.store(answered, 0, epoch);
      Atomics.notify(answered, 0);
    };
    const terminate = new AbortController();
    let deadline: NodeJS.Timeout | undefined;
    const requestStop = (): void => {
      Atomics.store(stopFlag, 0, 1);
      // A thread waiting for an epoch's answer sees the stop at once.
      Atomics.notify(answered, 0);
      if (abandonmentOf(signal) && deadline === undefined) {
        deadline = setTimeout(() => {
          this.logger.warn(
            { trial: assignment.trialNumber, repeat: assignment.repeat, seconds: ABANDONED_STOP_MS / 1000 },
            'an abandoned run did not stop: terminating its thread',
          );
          terminate.abort();
        }, ABANDONED_STOP_MS);
      }
    };
    if (signal.aborted) requestStop();
    signal.addEventListener('abort', requestStop, { once: true });
    const { port1, port2 } = new MessageChannel();

    return new Promise<RunOutcome>((resolve) => {
      // Epoch handlers run one after another; the outcome waits for the last of them.
      let handled: Promise<void> = Promise.resolve();
      let settled = false;
      const settle = (outcome: RunOutcome): void => {
        handled = handled.then(() => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          signal.removeEventListener('abort', requestStop);
          port1.close();
          resolve(outcome);
        });
      };
      port1.on('message', (message: ThreadMessage) => {
        if (message.type === 'done') return settle(message.outcome);
        if (message.type === 'checkpoint') {
          // After the epoch it follows has been handled (stored), before the outcome.
          handled = handled.then(() =>
            listener.onCheckpoint?.(message.epoch, message.data, message.sha256).catch((error: unknown) => {
              this.logger.warn({ err: error, trial: assignment.trialNumber }, 'a checkpoint could not be kept');
            }),
          );
          return;
        }
        handled = handled.then(async () => {
          try {
            if ((await listener.onEpoch(message.report)) === 'stop') requestStop();
          } catch (error) {
            this.logger.error({ err: error, trial: assignment.trialNumber }, 'epoch report handler failed; stopping the run');
            requestStop();
          } finally {
            answer(message.report.epoch);
          }
        });
      });
      const threadTask: ThreadTask = {
        assignment: { ...assignment, task },
        split,
        stopFlag,
        answered,
        port: port2,
        ...(resume && { resume }),
      };
      this.pool.run(threadTask, { transferList: [port2], signal: terminate.signal }).catch((error: unknown) => {
        settle({ status: 'error', message: `worker thread failed: ${(error as Error).message}` });
      });
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
