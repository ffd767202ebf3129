import { InvalidStateError } from '../src/errors/invalid-state-error.js';
import { describeRun, type EpochDecision, type RunAssignment, type RunEnd, type RunKey } from '../src/execution/run-assignment.js';
import type { EpochReport } from '../src/core/run-report.js';
import type { RunListener } from '../src/execution/trial-executor.js';

/** The worker side of a run, as the run sees it (a WorkerSession). */
export interface RunHolder {
  readonly identity: { readonly workerId: string };
  stop(key: RunKey): void;
  release(run: RemoteRun): void;
}

/** One run handed to (or awaiting) a remote worker, as the coordinator tracks it. */
export class RemoteRun {
  /** The worker running it; undefined while it waits for a free thread or to be taken back. */
  session: RunHolder | undefined;
  /** Set once the runner asked it to stop; sent again to a worker that re-registers. */
  stopRequested = false;
  lastEpoch = 0;
  /**
   * Which assignment of its session's work stream it was (1, 2, …); 0 when the session took it
   * over from an earlier one, listed by the worker at registration.
   */
  assignedAs = 0;
  readonly startedAt = performance.now();
  /** Epoch handlers run one after another; the end waits for the last of them. */
  private chain: Promise<unknown> = Promise.resolve();
  private ended = false;

  constructor(
    readonly assignment: RunAssignment,
    private readonly listener: RunListener,
    private readonly resolve: (end: RunEnd) => void,
  ) {}

  get key(): RunKey {
    const { study, trialNumber, attempt, repeat } = this.assignment;
    return { study, trialNumber, attempt, repeat };
  }

  get isEnded(): boolean {
    return this.ended;
  }

  onEpoch(report: EpochReport, onError: (error: unknown) => void): Promise<EpochDecision> {
    this.lastEpoch = Math.max(this.lastEpoch, report.epoch);
    const decision = this.chain
      .then(() => this.listener.onEpoch(report))
      .catch((error: unknown): EpochDecision => {
        onError(error);
        return 'stop';
      })
      .then((answer) => {
        // A run stopped by a decision reports 'stopped': that is an answer, not a hand-back.
        if (answer === 'stop') this.stopRequested = true;
        return answer;
      });
    this.chain = decision;
    return decision;
  }

  /** Keeps a checkpoint the worker sent, after the epochs reported before it. */
  onCheckpoint(epoch: number, data: Uint8Array, sha256: string): Promise<void> {
    const kept = this.chain.then(() => this.listener.onCheckpoint?.(epoch, data, sha256));
    this.chain = kept.catch(() => undefined);
    return kept;
  }

  /** The bytes of the checkpoint the run goes on from. */
  loadCheckpoint(): Promise<Uint8Array> {
    if (!this.assignment.checkpoint?.resume || !this.listener.loadCheckpoint)
      return Promise.reject(new InvalidStateError(`${describeRun(this.key)} goes on from no checkpoint`));
    return this.listener.loadCheckpoint();
  }

  /** Resolves the run once its epoch handlers have settled; later calls do nothing. */
  end(end: RunEnd): void {
    if (this.ended) return;
    this.ended = true;
    void this.chain.then(() => this.resolve(end));
  }
}
