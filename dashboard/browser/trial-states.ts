import type { TrialState } from '../page-views.js';

/** Every trial state, in the order the pages list them. */
export const STATES = ['QUEUED', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAILED'] as const satisfies readonly TrialState[];

/** A study's trials in one state. */
export function stateCount(counts: Readonly<Record<string, number>>, state: TrialState): number {
  return counts[state] ?? 0;
}

/** Every trial of a study, in any state. */
export function trialCount(counts: Readonly<Record<string, number>>): number {
  return STATES.reduce((sum, state) => sum + stateCount(counts, state), 0);
}
