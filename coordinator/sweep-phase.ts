/**
 * Where a SweepRunner is in its life. Whether the sampler has run out of points is not a phase:
 * like the trial budget, it limits where new trials come from, and a sweep whose search is
 * exhausted still runs its queued trials and can still be drained or stopped.
 *
 * A new phase (checkpointing, a PBT exploit step, ...) goes in this union and in `phaseAfter`;
 * the compiler then points at every switch on `kind` that must decide what the phase does.
 */
export type SweepPhase =
  /** Starts trials: queued ones first, then new ones from the sampler while the budget allows. */
  | { readonly kind: 'running' }
  /** Starts no trial; ends once the running ones have finished. */
  | { readonly kind: 'draining' }
  /**
   * Starts no trial and stops the running ones, which go back to the queue. `error` is set when
   * the sweep cannot go on (the store failed): `run` then throws it instead of returning.
   */
  | { readonly kind: 'stopping'; readonly error: Error | undefined }
  /** Nothing left running or to start: `run` has its result. */
  | { readonly kind: 'done'; readonly error: Error | undefined };

export type SweepPhaseEvent =
  | { readonly type: 'drain' }
  /** A stop request (the run's signal aborted). */
  | { readonly type: 'stop' }
  /** An error the sweep cannot go on after; the first one is kept. */
  | { readonly type: 'fail'; readonly error: Error }
  /** The end condition held and `run` took it: no trial active, none to start. */
  | { readonly type: 'end' };

export const RUNNING: SweepPhase = Object.freeze({ kind: 'running' });

/**
 * Every transition of the runner, in one place. A drain, stop or failure after the end changes
 * nothing: `run` has returned. Ending twice is a bug in the runner.
 */
export function phaseAfter(phase: SweepPhase, event: SweepPhaseEvent): SweepPhase {
  switch (event.type) {
    case 'drain':
      return phase.kind === 'running' ? { kind: 'draining' } : phase;
    case 'stop':
      return phase.kind === 'running' || phase.kind === 'draining' ? { kind: 'stopping', error: undefined } : phase;
    case 'fail':
      switch (phase.kind) {
        case 'running':
        case 'draining':
          return { kind: 'stopping', error: event.error };
        case 'stopping':
          return phase.error === undefined ? { kind: 'stopping', error: event.error } : phase;
        case 'done':
          return phase;
      }
      break;
    case 'end':
      if (phase.kind === 'done') throw new Error('a sweep cannot end twice');
      return { kind: 'done', error: phase.kind === 'stopping' ? phase.error : undefined };
  }
}

/** Whether the runner starts trials (queued or new). */
export function startsTrials(phase: SweepPhase): boolean {
  return phase.kind === 'running';
}

/**
 * Whether the trials already started go on: their waiting repeats are handed out, their epochs
 * recorded, and a trial whose runs were lost goes back to this runner's queue.
 */
export function carriesOn(phase: SweepPhase): boolean {
  return phase.kind === 'running' || phase.kind === 'draining';
}
