/**
 * The fields of a study in a coordinator's status that its state is read from. Single words, so
 * that the wire's messages match whichever case their fields are written in.
 */
export interface StudyProgress {
  /** The coordinator runs it now. */
  readonly active: boolean;
  /** Trials to run; 0 for none. */
  readonly budget: number;
  readonly queued: number;
  readonly running: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
}

/**
 * What a study is doing, in a word: `finished` (it reached its budget), `running` (trials run),
 * `waiting` (the coordinator runs it but no trial runs: no worker is connected or free), or
 * `stopped` (not run, and short of its budget or without one: a drained coordinator, a search
 * that ran out of configurations; a coordinator started again on the store resumes it).
 */
export function studyState(study: StudyProgress): 'finished' | 'running' | 'waiting' | 'stopped' {
  const finished = study.complete + study.pruned + study.failed;
  if (study.budget > 0 && finished >= study.budget) return 'finished';
  if (study.active) return study.running > 0 ? 'running' : 'waiting';
  return 'stopped';
}
