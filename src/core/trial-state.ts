/**
 * A trial's lifecycle: QUEUED -> RUNNING -> one of COMPLETE, PRUNED, FAILED.
 * A RUNNING trial whose run was interrupted goes back to QUEUED and is started again
 * with the next attempt number.
 */
export const TRIAL_STATES = ['QUEUED', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAILED'] as const;
export type TrialState = (typeof TRIAL_STATES)[number];

export const FINISHED_STATES: readonly TrialState[] = ['COMPLETE', 'PRUNED', 'FAILED'];

export function isFinished(state: TrialState): boolean {
  return FINISHED_STATES.includes(state);
}
