import type { EpochDecision, EpochReport, RunAssignment, RunOutcome } from './run-assignment.js';

export interface RunListener {
  /** Called for each epoch, in order; the run resolves only after every call has settled. */
  onEpoch(report: EpochReport): EpochDecision | Promise<EpochDecision>;
}

/**
 * Something that runs assignments: a local thread pool, or (through gRPC) a remote worker.
 * The coordinator sees only this.
 */
export interface TrialExecutor {
  /** How many runs it can take at once. */
  readonly capacity: number;
  /** Runs one assignment; `signal` asks it to stop early (it then resolves as 'stopped'). */
  run(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunOutcome>;
  close(): Promise<void>;
}
