import { scoredTrials } from './chart-format.js';
import { bestConfusion, classScoresSpec, confusionSpec } from './confusion-charts.js';
import { historyRows, historySpec } from './history-chart.js';
import { importanceSpec } from './importance-chart.js';
import { curveRows, learningCurvesSpec } from './learning-curves-chart.js';
import { parallelCoordinatesSpec } from './parallel-coordinates-chart.js';
import { pbtScheduleSpec } from './pbt-schedule-chart.js';
import { sliceSpec } from './slice-charts.js';
import type { StudyReportData } from './study-report-data.js';

export interface StudyChart {
  readonly id: StudyChartId;
  readonly title: string;
  /** A Vega-Lite spec with its data inline. */
  readonly spec: object;
}

/** A chart the study cannot have yet, and why (no test set, no complete trial, ...). */
export interface StudyChartNote {
  readonly id: StudyChartId;
  readonly title: string;
  readonly note: string;
}

/** Every chart a study report can hold, in the order it shows them. */
export const STUDY_CHART_IDS = [
  'history',
  'parallel-coordinates',
  'importance',
  'slices',
  'learning-curves',
  'pbt-schedule',
  'confusion-matrix',
  'class-scores',
] as const;
export type StudyChartId = (typeof STUDY_CHART_IDS)[number];

const TITLES: Readonly<Record<StudyChartId, string>> = {
  history: 'Optimisation history',
  'parallel-coordinates': 'Parallel coordinates',
  importance: 'Parameter importance',
  slices: 'Slice plots',
  'learning-curves': 'Learning curves',
  'pbt-schedule': 'Population Based Training',
  'confusion-matrix': 'Confusion matrix',
  'class-scores': 'Per-class scores',
};

/** The charts the study's data allows, in report order. The report and the live dashboard both draw exactly these. */
export function studyCharts(data: StudyReportData): StudyChart[] {
  return studySections(data).filter((s): s is StudyChart => 'spec' in s);
}

/** Why each of the other charts is missing, in report order. */
export function studyChartNotes(data: StudyReportData): StudyChartNote[] {
  return studySections(data).filter((s): s is StudyChartNote => 'note' in s);
}

/**
 * Every chart id once, in report order: its chart when the data allows one, else a note saying
 * why not; PBT's schedules only for a study with `scheduler: pbt`.
 */
export function studySections(data: StudyReportData): (StudyChart | StudyChartNote)[] {
  const { metric, direction } = data.objective;
  const scored = scoredTrials(data.trials);
  const params = Object.keys(data.space).length;
  const chart = (id: StudyChartId, spec: object): StudyChart => ({ id, title: TITLES[id], spec });
  const note = (id: StudyChartId, text: string): StudyChartNote => ({ id, title: TITLES[id], note: text });
  const noneComplete = `no COMPLETE trial with a finite ${metric} yet`;

  const history = historyRows(data.trials, direction);
  const unfinished = data.trials.length - history.length;
  const sections: (StudyChart | StudyChartNote)[] = [
    history.length > 0
      ? chart('history', historySpec(history, metric, direction, unfinished))
      : note('history', 'no trial has finished yet'),
  ];

  if (scored.length === 0) sections.push(note('parallel-coordinates', noneComplete));
  else sections.push(chart('parallel-coordinates', parallelCoordinatesSpec(data.space, scored, metric, direction)));

  if (Object.keys(data.importance).length > 0) sections.push(chart('importance', importanceSpec(data.importance, metric)));
  else sections.push(note('importance', data.importanceNote ?? 'parameter importance could not be computed'));

  if (params === 0) sections.push(note('slices', 'the search space has no parameters'));
  else if (scored.length === 0) sections.push(note('slices', noneComplete));
  else sections.push(chart('slices', sliceSpec(data.space, scored, metric)));

  const curves = curveRows(data.top, metric);
  if (data.top.length === 0) sections.push(note('learning-curves', 'no COMPLETE trial yet'));
  else if (curves.length === 0)
    sections.push(note('learning-curves', 'the best trials recorded no per-epoch metrics (an ask/tell study reports only final values)'));
  else sections.push(chart('learning-curves', learningCurvesSpec(curves, data.top.length)));

  if (data.schedules && data.schedules.length === 0) sections.push(note('pbt-schedule', 'no member has reached a decision point yet'));
  else if (data.schedules) sections.push(chart('pbt-schedule', pbtScheduleSpec(data.space, data.schedules)));

  const confusion = data.best ? bestConfusion(data.best.repeats) : undefined;
  if (!data.best) {
    sections.push(note('confusion-matrix', 'no COMPLETE trial yet'), note('class-scores', 'no COMPLETE trial yet'));
  } else if (!confusion) {
    const why = `the best trial (${data.best.trial.number}) has no test-set evaluation: the dataset has no test part (dataset.test: 0) or the task does not evaluate one`;
    sections.push(note('confusion-matrix', why), note('class-scores', why));
  } else {
    const number = data.best.trial.number;
    sections.push(
      chart('confusion-matrix', confusionSpec(confusion, number, data.classNames)),
      chart('class-scores', classScoresSpec(confusion, number, data.classNames)),
    );
  }
  return sections;
}
