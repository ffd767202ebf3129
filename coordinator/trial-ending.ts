/**
 * How an active trial ends early, before all its repeats have a result. Several can happen to
 * one trial (a repeat fails after another was pruned, a worker is lost while a run is stopped):
 * `endingAfter` decides which one the trial keeps, `resolution` what the trial then becomes.
 *
 * A new ending (a checkpoint taken, a PBT exploit) goes in this union, in `RANK`, and in
 * `resolution`; the compiler points at the switches that must decide what it becomes.
 */
export type TrialEnding =
  /** Nothing ended it: it completes once every repeat has a result, or was interrupted by a stop. */
  | { readonly kind: 'none' }
  /** A run was lost with its worker, timed out, or its report could not be stored. */
  | {
      readonly kind: 'lost';
      readonly reason: string;
      /** Whether it counts against the trial's attempts (a run handed back by a draining worker does not). */ readonly counts: boolean;
    }
  /** The pruner stopped it: it ends PRUNED with how far it got. */
  | { readonly kind: 'pruned'; readonly reason: string }
  /** A repeat diverged or failed: the others are stopped and the trial fails. */
  | { readonly kind: 'failed'; readonly reason: string };

export const NO_ENDING: TrialEnding = Object.freeze({ kind: 'none' });

/** Higher wins: a failure beats a prune, which beats a loss; any of them beats none. */
const RANK: Readonly<Record<TrialEnding['kind'], number>> = { none: 0, lost: 1, pruned: 2, failed: 3 };

/**
 * The ending a trial keeps when `next` happens to it after `current`. Of two endings of the same
 * kind, the first failure and the first loss are kept (they are what went wrong first), but a
 * later prune replaces an earlier one (repeats judged at once: the last verdict is the reason).
 */
export function endingAfter(current: TrialEnding, next: TrialEnding): TrialEnding {
  const rank = RANK[next.kind] - RANK[current.kind];
  if (rank > 0) return next;
  if (rank === 0 && next.kind === 'pruned') return next;
  return current;
}

/** What the trial becomes when it is settled: the store call the runner makes. */
export type TrialResolution =
  | { readonly kind: 'complete' }
  | { readonly kind: 'pruned'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  /** Back to the queue after a lost run; `counted` when it uses up one of the trial's attempts. */
  | { readonly kind: 'requeued-lost'; readonly reason: string; readonly counted: boolean }
  /** Back to the queue, unfinished, because the sweep stopped; never counted. */
  | { readonly kind: 'requeued-interrupted'; readonly reason: string };

export interface ResolutionContext {
  /** Every repeat has its result in this attempt (or an earlier one). */
  readonly allRepeatsDone: boolean;
  /** Attempts already lost before this one. */
  readonly lostAttempts: number;
  readonly maxAttempts: number;
}

export const INTERRUPTED_REASON = 'interrupted: the sweep was stopped';

export function resolution(ending: TrialEnding, context: ResolutionContext): TrialResolution {
  switch (ending.kind) {
    case 'failed':
      return { kind: 'failed', reason: ending.reason };
    case 'pruned':
      return { kind: 'pruned', reason: ending.reason };
    case 'lost':
      // Only lost runs count: restarts of the coordinator and drained workers are not the trial's fault.
      if (ending.counts && context.lostAttempts + 1 >= context.maxAttempts) {
        return { kind: 'failed', reason: `${ending.reason}; gave up after ${context.maxAttempts} lost attempts` };
      }
      return { kind: 'requeued-lost', reason: ending.reason, counted: ending.counts };
    case 'none':
      return context.allRepeatsDone ? { kind: 'complete' } : { kind: 'requeued-interrupted', reason: INTERRUPTED_REASON };
  }
}
