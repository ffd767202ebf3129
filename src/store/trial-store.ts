import type { ParamValues } from '../space/param-spec.js';
import type { StudyDefinition } from './study-definition.js';
import type { TrialState } from '../core/trial-state.js';
import type { EpochMetrics } from '../core/metrics.js';
import type {
  EpochRecord,
  ParamFilter,
  RepeatLog,
  RepeatResult,
  StudyOwner,
  StudyRecord,
  StudySource,
  StudySummary,
  TrialEpochRecord,
  TrialGroup,
  TrialOutcome,
  TrialRecord,
} from './records.js';
import type { TrialPage, TrialPageQuery } from './trial-page.js';
import type { StoredCheckpoint } from '../execution/run-assignment.js';
import type { CheckpointRecord } from './checkpoints/checkpoint-record.js';
import type { NewSegment, SegmentRecord } from './segments.js';

/** What a claim found: the owner recorded before, and whether it still ran (only with takeOver). */
export interface StudyClaim {
  readonly previous?: StudyOwner;
  readonly previousAlive: boolean;
}

/**
 * The storage contract the rest of the code talks to. Every method that changes state is one
 * transaction. Writes on behalf of a running trial carry its attempt number and are refused
 * (StaleAttemptError) when that attempt is no longer current.
 *
 * Invariants every backend keeps (and `test/store/trial-store-conformance.ts` checks):
 * - a COMPLETE trial is never changed again;
 * - trial numbers are unique within a study and given out in order;
 * - a trial has at most one final result, and a COMPLETE trial has exactly one.
 */
export interface TrialStore {
  createStudy(definition: StudyDefinition, source?: StudySource): Promise<StudyRecord>;
  /** Throws NotFoundError when there is no such study. */
  getStudy(name: string): Promise<StudyRecord>;
  findStudy(name: string): Promise<StudyRecord | undefined>;
  listStudies(): Promise<StudySummary[]>;
  summariseStudy(studyId: number): Promise<StudySummary>;

  /**
   * Makes `owner` the one process running the study, until releaseStudy or close. Whether an
   * earlier owner still runs is judged by a lock that dies with its process, never by its PID or
   * host (both repeat or change in containers). Throws InvalidStateError if it still runs, unless
   * `takeOver` is set: then the study is claimed all the same and the claim says so.
   */
  claimStudy(studyId: number, owner: StudyOwner, options?: { takeOver?: boolean }): Promise<StudyClaim>;
  releaseStudy(studyId: number, ownerId: string): Promise<void>;
  /** Marks a study as a coordinator's: a coordinator started on this store resumes it. */
  setHosted(studyId: number, hosted: boolean): Promise<void>;

  /**
   * Adds a trial with the next number, QUEUED, or RUNNING as attempt 1. `params` may be a
   * function of the trial's number, called inside the transaction, so that a sampler seeded by
   * trial number sees the number the trial really gets.
   */
  createTrial(studyId: number, params: ParamValues | ((number: number) => ParamValues), start?: { worker: string }): Promise<TrialRecord>;
  /**
   * Adds RUNNING trials (attempt 1) in one transaction, numbered one after the other: the i-th is
   * started on `workers[i]`, with `params` of its number. The batch ends early, before the first
   * number `params` has nothing for (a search with no point left); it may be empty.
   */
  createTrials(studyId: number, params: (number: number) => ParamValues | undefined, workers: readonly string[]): Promise<TrialRecord[]>;
  /** QUEUED -> RUNNING, with the next attempt number. */
  startTrial(trialId: number, worker: string): Promise<TrialRecord>;
  /** Records (or, for the same attempt, replaces) one epoch's metrics. */
  recordEpoch(trialId: number, attempt: number, repeat: number, epoch: number, metrics: EpochMetrics): Promise<void>;
  recordRepeat(trialId: number, attempt: number, result: RepeatResult): Promise<void>;
  /**
   * Keeps the end of a repeat's output (RunOutcome.log), whatever the run's outcome (a FAILED
   * repeat has no RepeatResult but keeps its log); a later attempt's log of the repeat replaces it.
   */
  recordLog(trialId: number, attempt: number, repeat: number, log: string): Promise<void>;
  finishTrial(trialId: number, attempt: number, outcome: TrialOutcome): Promise<TrialRecord>;
  /**
   * RUNNING -> QUEUED, keeping the repeats that finished and dropping the epochs of the ones
   * that did not, so that the next attempt re-runs only what was lost.
   */
  requeueTrial(trialId: number, attempt: number, reason: string, options?: { lost?: boolean }): Promise<TrialRecord>;

  /**
   * Keeps a run's checkpoint (its bytes beside the store, never in its rows), replacing the
   * repeat's earlier one once the new one is durable. Refused (StaleAttemptError) when the
   * attempt is not current. A re-queued trial keeps the epochs of each unfinished repeat up to
   * its checkpoint: the next attempt goes on from there.
   */
  saveCheckpoint(trialId: number, attempt: number, repeat: number, checkpoint: StoredCheckpoint): Promise<void>;
  /**
   * The repeat's latest checkpoint with its bytes, checked; undefined when it has none. Throws
   * CheckpointDamagedError when its bytes are missing or not those stored.
   */
  loadCheckpoint(trialId: number, repeat: number): Promise<StoredCheckpoint | undefined>;
  /** The checkpoints a trial keeps, by repeat. */
  listCheckpoints(trialId: number): Promise<CheckpointRecord[]>;
  /**
   * Drops a repeat's checkpoint and its epochs, for a run that starts again from its first epoch
   * (its checkpoint was damaged). Only while `attempt` runs; the repeat must have no result.
   */
  forgetCheckpoint(trialId: number, attempt: number, repeat: number): Promise<void>;
  /**
   * Deletes the checkpoints of the study's ended trials, but for those of its best `keep`
   * COMPLETE trials (their final models). Returns how many it deleted.
   */
  retainCheckpoints(studyId: number, keep: number): Promise<number>;

  /**
   * Records one decision point of Population Based Training: each member's next segment, and for
   * each that exploits, its checkpoint (repeat 0) replaced by a copy of its parent's latest, which
   * must be of epoch `fromEpoch - 1`. All of it or none; every member must run its `attempt`.
   * A re-queued trial drops the segments past the epochs it keeps.
   */
  startSegments(segments: readonly NewSegment[]): Promise<void>;
  /** The segments PBT decided for the study's members, by trial number and first epoch. */
  listSegments(studyId: number): Promise<SegmentRecord[]>;

  getTrial(studyId: number, number: number): Promise<TrialRecord>;
  listTrials(studyId: number, filter?: { states?: readonly TrialState[] }): Promise<TrialRecord[]>;
  /** COMPLETE trials, best first (ties by number); with `where`, only the trials it keeps. */
  bestTrials(studyId: number, limit: number, query?: { where?: ParamFilter }): Promise<TrialRecord[]>;
  /**
   * The best `limit` COMPLETE trials for each value parameter `param` takes (trials without it
   * are in no group), groups ordered by their best trial, then by value.
   */
  bestTrialsByGroup(studyId: number, param: string, limit: number, query?: { where?: ParamFilter }): Promise<TrialGroup[]>;
  /** One page of a study's trials, sorted and filtered in the database (the dashboard's table). */
  pageTrials(studyId: number, query: TrialPageQuery): Promise<TrialPage>;
  getEpochs(trialId: number): Promise<EpochRecord[]>;
  getRepeats(trialId: number): Promise<RepeatResult[]>;
  /** The logs kept of a trial's repeats, by repeat. */
  getLogs(trialId: number): Promise<RepeatLog[]>;

  /**
   * Every trial of a study by number, `pageSize` at a time (each page one read), so that an
   * export of 100,000 trials neither holds them all nor reads them one by one. A trial that
   * changes while the pages are read shows as it was when its page was read.
   */
  trialPages(studyId: number, pageSize?: number): AsyncIterable<readonly TrialRecord[]>;
  /** Every epoch of every trial of a study, by trial number, repeat and epoch, a page of trials at a time. */
  epochPages(studyId: number, pageSize?: number): AsyncIterable<readonly TrialEpochRecord[]>;

  close(): Promise<void>;
}
