import type { SearchSpaceDefinition } from '../space/param-spec.js';
import type { EpochRecord, RepeatResult, StudySummary, TrialRecord } from '../store/records.js';
import type { TrialStore } from '../store/trial-store.js';
import type { Direction } from '../core/direction.js';
import { studyClassNames } from '../datasets/class-names.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { DEFAULT_IMPORTANCE_MIN_TRIALS, parameterImportance } from '../importance/parameter-importance.js';
import { DEFAULT_TOP } from './default-top.js';
import { memberSchedule } from '../store/segments.js';
import type { MemberSchedule } from './pbt-schedule-chart.js';

/** One of the best trials with every epoch of every repeat, as the store keeps them. */
export interface TrialCurves {
  readonly trial: TrialRecord;
  /** Ordered by repeat, then epoch. */
  readonly epochs: readonly EpochRecord[];
}

/** The best trial with its repeats, each with its test evaluation when the data has a test part. */
export interface BestTrialDetail {
  readonly trial: TrialRecord;
  readonly repeats: readonly RepeatResult[];
}

/**
 * Everything the report and the live dashboard draw, read from the store in one go. Numbers are
 * the store's, unchanged: charts derive from this and nothing else.
 */
export interface StudyReportData {
  readonly study: StudySummary;
  readonly description?: string;
  readonly objective: { readonly metric: string; readonly direction: Direction };
  readonly space: SearchSpaceDefinition;
  /** Every trial, by number. */
  readonly trials: readonly TrialRecord[];
  /** The best `top` COMPLETE trials, best first, with their epochs. */
  readonly top: readonly TrialCurves[];
  /** Absent while no trial is COMPLETE. */
  readonly best?: BestTrialDetail;
  /**
   * Importance of each parameter for the objective (PED-ANOVA, sums to 1, most important first),
   * over COMPLETE trials with a finite value; empty when it cannot be computed (see `importanceNote`).
   */
  readonly importance: Readonly<Record<string, number>>;
  /** Why `importance` is empty, when it is. */
  readonly importanceNote?: string;
  /** The dataset's class names by label, where they are more than the label's number (Fashion-MNIST, EMNIST, CIFAR-10). */
  readonly classNames?: readonly string[];
  /** Population Based Training: each member's schedule, by trial number; absent for a study without `scheduler: pbt`. */
  readonly schedules?: readonly MemberSchedule[];
  /** When the data was read (ISO 8601). */
  readonly generatedAt: string;
}

export interface StudyReportOptions {
  /** How many of the best trials get learning curves; default 5. */
  readonly top?: number;
}

export async function loadStudyReportData(
  store: TrialStore,
  studyName: string,
  options: StudyReportOptions = {},
): Promise<StudyReportData> {
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isSafeInteger(top) || top < 1) {
    throw new InvalidArgumentError(`options.top must be a positive integer, but got ${String(top)}`);
  }
  const study = await store.getStudy(studyName);
  const generatedAt = new Date().toISOString();
  const summary = await store.summariseStudy(study.id);
  const trials = await store.listTrials(study.id);
  const bestTrials = await store.bestTrials(study.id, top);
  const curves: TrialCurves[] = [];
  for (const trial of bestTrials) curves.push({ trial, epochs: await store.getEpochs(trial.id) });
  const bestTrial = bestTrials[0];
  const best = bestTrial ? { trial: bestTrial, repeats: await store.getRepeats(bestTrial.id) } : undefined;
  const { space, objective, description } = study.definition;
  const importance = studyImportance(space, objective.direction, trials);
  const classNames = studyClassNames(study.definition);
  const segments = study.definition.scheduler ? await store.listSegments(study.id) : undefined;
  const schedules = segments && trials.map((trial) => ({ trial: trial.number, steps: memberSchedule(trial, segments) }));
  return {
    study: summary,
    ...(description !== undefined ? { description } : {}),
    objective,
    space,
    trials,
    top: curves,
    ...(best ? { best } : {}),
    ...importance,
    ...(classNames && { classNames }),
    ...(schedules && { schedules: schedules.filter((schedule) => schedule.steps.length > 0) }),
    generatedAt,
  };
}

/**
 * PED-ANOVA importance over the COMPLETE trials with a finite value: a pruned trial's value is an
 * intermediate one, and would make its parameters look worse than they are.
 */
function studyImportance(
  space: SearchSpaceDefinition,
  direction: Direction,
  trials: readonly TrialRecord[],
): { importance: Record<string, number>; importanceNote?: string } {
  const scored: { params: TrialRecord['params']; value: number }[] = [];
  for (const trial of trials) {
    const value = trial.result?.value;
    if (trial.state === 'COMPLETE' && value !== undefined && Number.isFinite(value)) scored.push({ params: trial.params, value });
  }
  if (Object.keys(space).length === 0) return { importance: {}, importanceNote: 'the search space has no parameters' };
  const importance = parameterImportance({ space, direction, trials: scored });
  if (Object.keys(importance).length > 0) return { importance };
  return {
    importance: {},
    importanceNote: `parameter importance needs at least ${DEFAULT_IMPORTANCE_MIN_TRIALS} COMPLETE trials with a finite value; this study has ${scored.length}`,
  };
}
