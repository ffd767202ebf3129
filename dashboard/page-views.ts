/**
 * The JSON each dashboard page reads (GET /api/...): what the server answers and what the page
 * script (dashboard/browser/) draws. Types only, so that the browser's build can import them
 * without the server's code. They are the only types the page script imports from outside its
 * folder, so a type that moves is repointed here alone. Studies and trials have the shapes of
 * the CLI's `--json` output (docs/cli.md, "JSON output"), so a script can use either.
 */
import type { TrialDetailJson } from '../src/views/trial-detail-json.js';
import type { StudyJson, TrialJson } from '../src/views/trial-json.js';

export type { EpochColumn, EpochJson, RepeatJson, ScheduleStepJson, TestJson } from '../src/views/trial-detail-json.js';
export type { StudyJson, TrialJson } from '../src/views/trial-json.js';
export type { TrialState } from '../src/core/trial-state.js';

export interface StudyView extends StudyJson {
  /** COMPLETE + PRUNED + FAILED. */
  finished: number;
}

export interface DashboardTrialJson extends TrialJson {
  /** The last epoch recorded (any repeat) while the trial runs; its final epochs once finished. */
  current_epoch: number | null;
}

/** GET /api/studies. */
export interface StudiesView {
  studies: StudyView[];
}

/** GET /api/studies/NAME?sort=&order=&state=&q=&offset=&limit= (see trial-table-query.ts). */
export interface StudyPageView {
  study: StudyView;
  best: TrialJson | null;
  /** The study's parameters, the table's parameter columns. */
  params: string[];
  /** One page of the trials table, as asked for. */
  trials: DashboardTrialJson[];
  /** Trials the table's filters keep, over all pages. */
  matching: number;
  offset: number;
  limit: number;
}

/** GET /api/studies/NAME/trials/N: `sweeper show --json`, with the study's progress, the running epoch and the curves. */
export interface TrialPageView extends TrialDetailJson {
  study: StudyView;
  trial: DashboardTrialJson;
  /** A Vega-Lite spec of the learning curves (trial-curves-spec.ts); null before the first epoch. */
  curves: object | null;
  /** The end of each repeat's output as the store keeps it (`sweeper logs`), by repeat; bounded. */
  logs: { repeat: number; log: string }[];
}

/** One section of the study page's charts: a Vega-Lite spec, or why the chart is missing. */
export type ChartSection = { id: string; title: string; spec: object } | { id: string; title: string; note: string };

/** GET /api/studies/NAME/charts. */
export interface StudyChartsView {
  sections: ChartSection[];
}

/** GET /api/workers: `sweeper status --json`. */
export type { StatusJson as WorkersView, WorkerJson, RunJson, HostedStudyJson } from '../src/views/status-json.js';
