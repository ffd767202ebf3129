import type { MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { RunOutcome } from '../../src/core/run-report.js';
import type { EpochDecision, RunAssignment } from '../../src/execution/run-assignment.js';
import type { RunListener } from '../../src/execution/trial-executor.js';
import type { ModuleTask } from '../../src/user-code/module-task.js';
import { checkUserReport } from '../../src/user-code/user-report.js';
import type { ModulePoolMessage, ModuleThreadMessage } from './module-messages.js';
import type { CheckpointFolder } from '../checkpoint/checkpoint-folder.js';

/** The most of a thrown error's stack an outcome keeps: enough to find the line. */
export const MAX_STACK_BYTES = 4 * 1024;

export interface ModuleRunOptions {
  readonly assignment: RunAssignment;
  readonly task: ModuleTask;
  readonly listener: RunListener;
  /** The pool's end of the run's channel; the thread holds the other. */
  readonly port: MessagePort;
  readonly logger: Logger;
  readonly stopGraceMs: number;
  /** Aborted to terminate the thread (Piscina's `signal` on run) when the module ignores a stop. */
  readonly terminate: AbortController;
  /** The run's checkpoint folder, when the run saves checkpoints. */
  readonly checkpoints?: CheckpointFolder;
}

/**
 * The pool's side of one module run: checks each report (checkUserReport), passes it to the
 * listener, answers the thread, and decides the outcome. Why the run ends is recorded once, by
 * the first cause (a refused report, a timeout, a stop), and the outcome follows from it
 * whatever the module then does, even if it catches the error report() rejected with.
 */
export class ModuleRun {
  readonly outcome: Promise<RunOutcome>;
  private resolveOutcome!: (outcome: RunOutcome) => void;
  /** When train was called (until then, when the run was created): trainSeconds counts from here. */
  private started = performance.now();
  private lastEpoch = 0;
  private ending: { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly message: string } | undefined;
  /** Report handlers run one after another; the outcome waits for the last of them. */
  private handled: Promise<void> = Promise.resolve();
  private settled = false;
  private timeout: NodeJS.Timeout | undefined;
  private grace: NodeJS.Timeout | undefined;

  constructor(private readonly options: ModuleRunOptions) {
    // A run going on from a checkpoint reports the epochs after it.
    this.lastEpoch = options.checkpoints?.resumedEpoch ?? 0;
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
    options.port.on('message', (message: ModuleThreadMessage) => this.onMessage(message));
  }

  /** The run's clock starts when train is called, not while it waits for a thread or its import. */
  private startClock(): void {
    const seconds = this.options.task.timeoutSeconds;
    this.started = performance.now();
    if (seconds !== undefined && this.timeout === undefined && !this.settled)
      this.timeout = setTimeout(() => this.fail(`timed out after ${seconds} s`), seconds * 1000);
  }

  /** The caller's stop (pruned, shutting down, abandoned): the module is asked to return. */
  stop(reason: string): void {
    this.ending ??= { kind: 'stopped' };
    this.abortModule(reason);
  }

  /** Piscina rejected the task: the thread crashed, exited or was terminated after the grace. */
  threadEnded(error: Error): void {
    const terminated = this.options.terminate.signal.aborted;
    this.settle(terminated ? undefined : { status: 'error', message: `the module's thread failed: ${error.message}` });
  }

  dispose(): void {
    clearTimeout(this.timeout);
    clearTimeout(this.grace);
    this.options.port.close();
  }

  private onMessage(message: ModuleThreadMessage): void {
    if (message.type === 'started') return this.startClock();
    if (message.type === 'done') {
      const { result } = message;
      if (result.status === 'returned') {
        this.settle(this.lastEpoch > 0 ? undefined : { status: 'error', message: 'train returned without reporting an epoch' });
      } else {
        const stack = result.stack === undefined ? undefined : bounded(result.stack);
        this.settle({ status: 'error', message: result.message, ...(stack !== undefined && { log: stack }) });
      }
      return;
    }
    this.handled = this.handled.then(() => this.onReport(message.id, message.epoch, message.metrics));
  }

  private async onReport(id: number, epoch: unknown, metrics: unknown): Promise<void> {
    if (this.ending) return this.answer({ type: 'decision', id, decision: 'stop' });
    const checked =
      typeof metrics === 'object' && metrics !== null && !Array.isArray(metrics)
        ? checkUserReport(epoch, metrics as Record<string, unknown>, this.lastEpoch, this.options.task.epochs)
        : { problem: `metrics must be an object of numbers, but got ${Array.isArray(metrics) ? 'an array' : typeof metrics}` };
    if ('problem' in checked) {
      this.answer({ type: 'refused', id, problem: checked.problem });
      return this.fail(checked.problem);
    }
    this.lastEpoch = checked.report.epoch;
    // Read while the module waits for the decision: what it saved before this report.
    const snapshot = this.options.checkpoints?.snapshot(checked.report.epoch).catch((error: unknown) => {
      this.options.logger.warn(
        { trial: this.options.assignment.trialNumber, reason: (error as Error).message },
        'a checkpoint was not taken',
      );
      return undefined;
    });
    let decision: EpochDecision;
    try {
      decision = await this.options.listener.onEpoch(checked.report);
    } catch (error) {
      this.options.logger.error(
        { err: error, trial: this.options.assignment.trialNumber },
        'epoch report handler failed; stopping the run',
      );
      decision = 'stop';
    }
    const checkpoint = await snapshot;
    if (decision === 'stop') this.ending ??= { kind: 'stopped' };
    this.answer({ type: 'decision', id, decision });
    // The thread aborts the signal itself on 'stop'; the grace starts here.
    if (decision === 'stop') this.startGrace();
    // After the epoch is kept, and before the next report is handled.
    if (checkpoint)
      await this.options.listener.onCheckpoint?.(checked.report.epoch, checkpoint.data, checkpoint.sha256).catch(() => undefined);
  }

  private fail(message: string): void {
    this.ending ??= { kind: 'failed', message };
    this.abortModule(message);
  }

  private abortModule(reason: string): void {
    this.answer({ type: 'abort', reason });
    this.startGrace();
  }

  private startGrace(): void {
    this.grace ??= setTimeout(() => {
      const { assignment } = this.options;
      this.options.logger.warn(
        { trial: assignment.trialNumber, repeat: assignment.repeat, seconds: this.options.stopGraceMs / 1000 },
        'a module did not return after its signal aborted: terminating its thread',
      );
      this.options.terminate.abort();
    }, this.options.stopGraceMs);
  }

  private answer(message: ModulePoolMessage): void {
    if (!this.settled) this.options.port.postMessage(message);
  }

  /** The outcome: the first recorded ending wins over what the module did; `ran` applies otherwise. */
  private settle(ran: RunOutcome | undefined): void {
    this.handled = this.handled.then(() => {
      if (this.settled) return;
      this.settled = true;
      const trainSeconds = (performance.now() - this.started) / 1000;
      const { ending } = this;
      if (ending?.kind === 'failed') return this.resolveOutcome({ status: 'error', message: ending.message });
      if (ending?.kind === 'stopped') return this.resolveOutcome({ status: 'stopped', epochs: this.lastEpoch, trainSeconds });
      this.resolveOutcome(ran ?? { status: 'finished', epochs: this.lastEpoch, trainSeconds });
    });
  }
}

function bounded(text: string): string {
  return Buffer.byteLength(text) <= MAX_STACK_BYTES ? text : `${Buffer.from(text).subarray(0, MAX_STACK_BYTES).toString()}...`;
}
