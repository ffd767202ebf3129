import { openStore } from '../src/store/open-store.js';
import type { TrialState } from '../src/core/trial-state.js';

/** When a study's trials ran, as the coordinator recorded it in its store. */
export interface TrialTimeline {
  readonly trials: number;
  readonly counts: Readonly<Record<TrialState, number>>;
  /** Epoch milliseconds: the first trial's start, the last trial's start and the last trial's end. */
  readonly firstStartMs: number;
  readonly lastStartMs: number;
  readonly lastFinishMs: number;
  /** Mean of finished - started over the trials: the trial's own duration plus its bookkeeping. */
  readonly meanTrialMs: number;
  /** Sum of finished - started: slot-time the trials held. */
  readonly busyMs: number;
  /** Mean of finished - started over the COMPLETE trials: those that ran every epoch (NaN if none did). */
  readonly meanCompleteMs: number;
}

/**
 * Reads the study's trials from the store once the coordinator has stopped. The store's times
 * are the coordinator's clock at each write, to the millisecond, on the same machine as ours:
 * the end of the last trial is when the budget was reached, without a polling interval's error.
 */
export async function readTimeline(storePath: string, studyName: string): Promise<TrialTimeline> {
  const store = await openStore(storePath, 'read');
  try {
    const study = await store.getStudy(studyName);
    const trials = await store.listTrials(study.id);
    const { counts } = await store.summariseStudy(study.id);
    let firstStartMs = Infinity;
    let lastStartMs = -Infinity;
    let lastFinishMs = -Infinity;
    let busyMs = 0;
    let completeMs = 0;
    for (const trial of trials) {
      if (trial.startedAt === undefined || trial.finishedAt === undefined) continue;
      const started = Date.parse(trial.startedAt);
      const finished = Date.parse(trial.finishedAt);
      firstStartMs = Math.min(firstStartMs, started);
      lastStartMs = Math.max(lastStartMs, started);
      lastFinishMs = Math.max(lastFinishMs, finished);
      busyMs += finished - started;
      if (trial.state === 'COMPLETE') completeMs += finished - started;
    }
    return {
      trials: trials.length,
      counts,
      firstStartMs,
      lastStartMs,
      lastFinishMs,
      meanTrialMs: busyMs / trials.length,
      busyMs,
      meanCompleteMs: completeMs / counts.COMPLETE,
    };
  } finally {
    await store.close();
  }
}
