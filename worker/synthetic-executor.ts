import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EpochDecision, RunAssignment } from '../src/execution/run-assignment.js';
import type { RunOutcome } from '../src/core/run-report.js';
import type { RunListener } from '../src/execution/trial-executor.js';
import { InProcessExecutor } from './in-process-executor.js';
import { syntheticLoss } from '../src/synthetic/synthetic-loss.js';
import { syntheticMetrics } from '../src/synthetic/synthetic-metrics.js';
import type { SyntheticTask } from '../src/synthetic/synthetic-task.js';

export interface SyntheticExecutorOptions {
  /** Runs at once. A run is a sleeping timer, not work, so hundreds fit on one core. */
  readonly slots: number;
  /** Where a failing epoch handler is reported (the run then stops, as in LocalPool). */
  readonly logger?: Logger;
}

/**
 * Runs synthetic tasks in this thread: each epoch sleeps `epochSeconds` on a timer, then reports
 * the task's known metrics and waits for the decision, like LocalPool. Runs beyond `slots` wait
 * for a free slot, as a thread pool queues them.
 */
export class SyntheticExecutor extends InProcessExecutor {
  private readonly logger: Logger | undefined;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Every run that has not ended, so that close() can stop them. */
  private readonly runs = new Set<AbortController>();
  private closed = false;

  constructor(options: SyntheticExecutorOptions) {
    const { slots } = options;
    if (!Number.isInteger(slots) || slots < 1) throw new TypeError(`options.slots must be a positive integer, but got ${slots}`);
    super(slots);
    this.logger = options.logger;
  }

  protected async execute(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunOutcome> {
    const { task } = assignment;
    if (task.type !== 'synthetic')
      return { status: 'error', message: `the synthetic executor runs synthetic tasks only, but got a ${task.type} task` };
    if (this.closed) return { status: 'error', message: 'the synthetic executor is closed' };
    try {
      // Bad parameters fail at once, not after the first epoch's sleep.
      syntheticLoss(task, assignment.params);
    } catch (error) {
      return { status: 'error', message: (error as Error).message };
    }
    // One signal for the caller's stop and for close(), without AbortSignal.any's retention.
    const stop = new AbortController();
    const forward = (): void => stop.abort();
    if (signal.aborted) stop.abort();
    signal.addEventListener('abort', forward, { once: true });
    this.runs.add(stop);
    try {
      if (!(await this.acquire(stop.signal))) return { status: 'stopped', epochs: 0, trainSeconds: 0 };
      try {
        return await this.simulate(assignment, task, listener, stop.signal);
      } finally {
        this.release();
      }
    } finally {
      signal.removeEventListener('abort', forward);
      this.runs.delete(stop);
    }
  }

  /** Stops every run (each ends as 'stopped') and refuses new ones. */
  close(): Promise<void> {
    this.closed = true;
    for (const run of this.runs) run.abort();
    return Promise.resolve();
  }

  private async simulate(assignment: RunAssignment, task: SyntheticTask, listener: RunListener, stop: AbortSignal): Promise<RunOutcome> {
    let trainSeconds = 0;
    for (let epoch = 1; epoch <= task.epochs; epoch++) {
      const started = performance.now();
      const slept = await pause(task.epochSeconds, stop);
      const epochSeconds = (performance.now() - started) / 1000;
      trainSeconds += epochSeconds;
      if (!slept) return { status: 'stopped', epochs: epoch - 1, trainSeconds };
      const metrics = { ...syntheticMetrics(task, assignment.params, assignment.seed, epoch), epochSeconds };
      let decision: EpochDecision;
      try {
        decision = await listener.onEpoch({ epoch, metrics });
      } catch (error) {
        this.logger?.error({ err: error, trial: assignment.trialNumber }, 'epoch report handler failed; stopping the run');
        decision = 'stop';
      }
      if (decision === 'stop' || stop.aborted) return { status: 'stopped', epochs: epoch, trainSeconds };
    }
    return { status: 'finished', epochs: task.epochs, trainSeconds };
  }

  /** Takes a slot, waiting for one when all are busy; false when stopped while waiting. */
  private acquire(stop: AbortSignal): Promise<boolean> {
    if (stop.aborted) return Promise.resolve(false);
    if (this.running < this.capacity) {
      this.running++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const grant = (): void => {
        stop.removeEventListener('abort', cancel);
        resolve(true);
      };
      const cancel = (): void => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        resolve(false);
      };
      this.waiting.push(grant);
      stop.addEventListener('abort', cancel, { once: true });
    });
  }

  /** Hands the slot to the next waiting run, if any. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

/**
 * Sleeps for an epoch; false when stopped first. A zero-length epoch still yields to the event
 * loop (setImmediate, not a 1 ms timer) so that thousands of runs do not starve I/O and signals.
 */
async function pause(seconds: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return false;
  try {
    if (seconds > 0) await sleep(seconds * 1000, undefined, { signal: stop });
    else await nextTurn(undefined, { signal: stop });
    return true;
  } catch (error) {
    if (stop.aborted) return false;
    throw error;
  }
}
