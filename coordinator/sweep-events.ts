import type { EpochReport } from '../src/core/run-report.js';
import type { TrialRecord } from '../src/store/records.js';

/** What a sweep reports as it goes, for progress bars and logs. */
export type SweepEvent =
  | { readonly type: 'trial-started'; readonly trial: TrialRecord }
  | { readonly type: 'epoch'; readonly trial: TrialRecord; readonly repeat: number; readonly report: EpochReport }
  | { readonly type: 'trial-finished'; readonly trial: TrialRecord }
  | { readonly type: 'trial-requeued'; readonly trial: TrialRecord };
