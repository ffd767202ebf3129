import type { StudySummary, EpochRecord, RepeatResult, TrialRecord } from '../store/records.js';
import type { TestEvaluation } from '../core/run-report.js';
import type { ParamValue } from '../space/param-spec.js';
import type { ScheduleStep } from '../store/segments.js';
import { classificationReport } from '../training/classification-report.js';
import { studyJson, trialJson, type StudyJson, type TrialJson } from './trial-json.js';

/** `show --json`: everything the store holds about one trial. Documented in docs/cli.md, "JSON output". */
export interface TrialDetailJson {
  study: StudyJson;
  trial: TrialJson;
  repeats: RepeatJson[];
  epochs: EpochJson[];
  /**
   * A Population Based Training member's hyperparameter schedule: its own parameters from epoch 1,
   * then each change PBT made, with the member whose state it went on from (`parent`). Empty for a
   * trial of a study without `scheduler: pbt`.
   */
  schedule: ScheduleStepJson[];
}

export interface ScheduleStepJson {
  from_epoch: number;
  /** Null for the last step of a member that has not ended. */
  to_epoch: number | null;
  params: Record<string, ParamValue>;
  parent: number | null;
}

export interface RepeatJson {
  repeat: number;
  seed: number;
  value: number | null;
  epochs: number;
  best_epoch: number;
  train_seconds: number;
  test: TestJson | null;
}

export interface TestJson {
  /** The epoch whose weights were evaluated. */
  epoch: number;
  loss: number | null;
  accuracy: number;
  /** confusion[actual][predicted]; null when the run reported none (a user's own program). */
  confusion: number[][] | null;
  /**
   * Per class, in class order (scikit-learn's zero_division=0); `name` is the dataset's (e.g.
   * "Shirt"), else the label's number. Empty without a confusion matrix.
   */
  classes: { class: number; name: string; precision: number; recall: number; f1: number; support: number }[];
  /** Null without a confusion matrix. */
  macro: { precision: number; recall: number; f1: number } | null;
}

/** Every metric column, always present (null when not measured), in the order tables show them. */
export const EPOCH_COLUMNS = [
  'train_loss',
  'train_accuracy',
  'val_loss',
  'val_accuracy',
  'learning_rate',
  'epoch_seconds',
  'mutual_information',
] as const;
export type EpochColumn = (typeof EPOCH_COLUMNS)[number];

/** `extra`: the metrics of a user's own code beyond the columns, by name (empty when none). */
export type EpochJson = { repeat: number; epoch: number } & Record<EpochColumn, number | null> & { extra: Record<string, number> };

export function epochJson(epoch: EpochRecord): EpochJson {
  return {
    repeat: epoch.repeat,
    epoch: epoch.epoch,
    train_loss: epoch.trainLoss ?? null,
    train_accuracy: epoch.trainAccuracy ?? null,
    val_loss: epoch.valLoss ?? null,
    val_accuracy: epoch.valAccuracy ?? null,
    learning_rate: epoch.learningRate ?? null,
    epoch_seconds: epoch.epochSeconds ?? null,
    mutual_information: epoch.mutualInformation ?? null,
    extra: { ...epoch.extra },
  };
}

/** The names of the extra metrics some epoch has, sorted: the columns a table adds for them. */
export function extraNames(epochs: Iterable<{ readonly extra?: Readonly<Record<string, number>> }>): string[] {
  const names = new Set<string>();
  for (const epoch of epochs) for (const name of Object.keys(epoch.extra ?? {})) names.add(name);
  return [...names].sort();
}

export function testJson(test: TestEvaluation, classNames?: readonly string[]): TestJson {
  const base = { epoch: test.epoch, loss: Number.isFinite(test.loss) ? test.loss : null, accuracy: test.accuracy };
  if (test.confusion === undefined) return { ...base, confusion: null, classes: [], macro: null };
  const report = classificationReport(test.confusion);
  return {
    ...base,
    confusion: test.confusion.map((row) => [...row]),
    classes: report.classes.map((scores, index) => ({ class: index, name: classNames?.[index] ?? String(index), ...scores })),
    macro: { ...report.macro },
  };
}

export function trialDetailJson(
  study: StudySummary,
  trial: TrialRecord,
  repeats: readonly RepeatResult[],
  epochs: readonly EpochRecord[],
  classNames?: readonly string[],
  schedule: readonly ScheduleStep[] = [],
): TrialDetailJson {
  return {
    study: studyJson(study),
    trial: trialJson(trial),
    repeats: repeats.map((repeat) => ({
      repeat: repeat.repeat,
      seed: repeat.seed,
      value: Number.isFinite(repeat.value) ? repeat.value : null,
      epochs: repeat.epochs,
      best_epoch: repeat.bestEpoch,
      train_seconds: repeat.trainSeconds,
      test: repeat.test ? testJson(repeat.test, classNames) : null,
    })),
    epochs: epochs.map(epochJson),
    schedule: schedule.map((step) => ({
      from_epoch: step.fromEpoch,
      to_epoch: step.toEpoch ?? null,
      params: { ...step.params },
      parent: step.parent ?? null,
    })),
  };
}
