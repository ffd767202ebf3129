import type { EpochDecision, RunAssignment, RunEnd } from './run-assignment.js';
import type { EpochReport } from '../core/run-report.js';

export interface RunListener {
  /** Called for each epoch, in order; the run resolves only after every call has settled. */
  onEpoch(report: EpochReport): EpochDecision | Promise<EpochDecision>;
  /**
   * Keeps a checkpoint the run saved after `epoch` (called after that epoch's onEpoch has
   * settled), with the SHA-256 of its bytes as whoever made or checked them computed it (once: a
   * checkpoint is megabytes). Resolves once it is kept or refused: a refused checkpoint costs the
   * run nothing.
   */
  onCheckpoint?(epoch: number, data: Uint8Array, sha256: string): Promise<void>;
  /** The bytes of the checkpoint the run goes on from (its assignment's `checkpoint.resume`), checked. */
  loadCheckpoint?(): Promise<Uint8Array>;
}

/**
 * Something that runs assignments: a local thread pool, or workers on other machines reached
 * through gRPC. The coordinator's sweep runners see only this; several may share one executor.
 */
export interface TrialExecutor {
  /**
   * Runs it can start now, each holding `gpus` devices (`resources: { gpus }`, 0 for most
   * tasks): where runs wait for devices is decided here, not on a worker. Runners hand out runs
   * while this is positive.
   */
  freeSlots(gpus: number): number;
  /**
   * Calls `listener` whenever slots may have become free: a run ended, a worker joined.
   * Returns the function that unsubscribes.
   */
  onFreeSlots(listener: () => void): () => void;
  /**
   * Runs one assignment; `signal` asks it to stop early (it then resolves as 'stopped').
   * `placement` names the worker the caller recorded the trial on, when it has a choice.
   */
  run(assignment: RunAssignment, listener: RunListener, signal: AbortSignal, placement?: string): Promise<RunEnd>;
  /**
   * Where the next `count` runs (holding `gpus` devices each) would go, in the order they are
   * handed out, recorded on their trials as their workers. A local executor names this process;
   * a remote one, for each, the worker with the most room left by the runs placed before it.
   */
  placements(gpus: number, count: number): string[];
  /**
   * Takes back a run that was already running when this process started (the coordinator
   * restarted while workers went on). Resolves as 'lost' if no worker claims it in time.
   * Absent where runs cannot outlive the process that started them.
   */
  reclaim?(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd>;
  close(): Promise<void>;
}
