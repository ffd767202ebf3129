import type { Direction } from '../core/direction.js';
import type { EpochMetrics } from '../core/metrics.js';
import type { TestEvaluation } from '../core/run-report.js';
import type { TrialState } from '../core/trial-state.js';
import type { ParamValue, ParamValues } from '../space/param-spec.js';
import type { StudyDefinition } from './study-definition.js';

export interface StudySource {
  /** The definition exactly as the user wrote it (the sweep file's text). */
  readonly text: string;
  readonly format: 'yaml' | 'json';
  readonly path?: string;
}

export interface StudyRecord {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  readonly definition: StudyDefinition;
  readonly source?: StudySource;
}

export interface StudySummary {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  readonly direction: Direction;
  readonly metric: string;
  /** Trials the study runs in all; absent for open-ended studies driven through ask/tell. */
  readonly budget?: number;
  /** Whether a coordinator hosts the study (it was submitted to one). */
  readonly hosted: boolean;
  readonly counts: Readonly<Record<TrialState, number>>;
  readonly bestValue?: number;
}

export interface EpochRecord extends EpochMetrics {
  readonly repeat: number;
  /** 1-based. */
  readonly epoch: number;
}

/** An epoch of one of a study's trials, as a study-wide listing (an export) gives it. */
export interface TrialEpochRecord extends EpochRecord {
  readonly trialNumber: number;
}

/** The outcome of training one configuration with one seed. */
export interface RepeatResult {
  readonly repeat: number;
  readonly seed: number;
  readonly value: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly trainSeconds: number;
  /** The one evaluation on the test set, when the data has a test part. */
  readonly test?: TestEvaluation;
}

/** The end of what one repeat's run printed (RunOutcome.log), whatever the run's outcome. */
export interface RepeatLog {
  readonly repeat: number;
  readonly log: string;
}

/** A trial's one final result: the objective over its repeats. */
export interface TrialResult {
  /** Mean of the repeats' values. */
  readonly value: number;
  /** Sample standard deviation (n - 1) over repeats; absent with a single repeat. */
  readonly valueStd?: number;
  readonly repeats: number;
  /** Epochs trained (the longest repeat). */
  readonly epochs: number;
  /** Epoch of the best objective metric, in the repeat closest to the mean. */
  readonly bestEpoch: number;
  /** Mean training time of one repeat, in seconds. */
  readonly trainSeconds: number;
  /** Mean test accuracy over the repeats evaluated on a test set; absent without one. */
  readonly testAccuracy?: number;
}

export interface TrialRecord {
  readonly id: number;
  readonly studyId: number;
  /** 0-based, unique within the study, in order of creation. */
  readonly number: number;
  readonly state: TrialState;
  /** 0 while never started; each start (first run or re-run after an interruption) adds one. */
  readonly attempt: number;
  /**
   * Attempts whose run was lost (a worker died or went silent): what the retry limit counts. An
   * attempt cut short by a stopped or restarted coordinator, or handed back by a draining worker,
   * is not lost.
   */
  readonly lostAttempts: number;
  readonly worker?: string;
  readonly params: ParamValues;
  readonly queuedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Why a trial failed, was pruned or was put back in the queue. */
  readonly reason?: string;
  readonly result?: TrialResult;
}

export type TrialOutcome =
  | { readonly state: 'COMPLETE'; readonly result: TrialResult }
  | { readonly state: 'PRUNED'; readonly reason: string; readonly result?: TrialResult }
  | { readonly state: 'FAILED'; readonly reason: string };

/** The process that runs a study; only one may at a time. */
export interface StudyOwner {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly since?: string;
}

/** A numeric parameter's bounds in a filter, e.g. `{ '>=': 1e-4, '<': 1e-2 }`: all must hold. */
export type ParamComparison = '<' | '<=' | '>' | '>=';
export type ParamBounds = Readonly<Partial<Record<ParamComparison, number>>>;

/**
 * Which trials a query keeps: every named parameter must be set in the trial and either take
 * one of the listed values (values of one name are alternatives) or lie within its bounds.
 * Names must all hold.
 */
export type ParamFilter = Readonly<Record<string, readonly ParamValue[] | ParamBounds>>;

export const PARAM_COMPARISONS: readonly ParamComparison[] = ['<', '<=', '>', '>='];

/** Whether a filter's condition on a name lists values (else it bounds the name). */
export function isValueList(condition: readonly ParamValue[] | ParamBounds): condition is readonly ParamValue[] {
  return Array.isArray(condition);
}

/** The best trials among those where a parameter takes one value. */
export interface TrialGroup {
  readonly value: ParamValue;
  /** COMPLETE trials with this value (and matching the filter), of which `trials` are the best. */
  readonly complete: number;
  /** Best first. */
  readonly trials: readonly TrialRecord[];
}
