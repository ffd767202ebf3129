import { studyClassNames } from '../src/datasets/class-names.js';
import type { StudySummary } from '../src/store/records.js';
import type { TrialStore } from '../src/store/trial-store.js';
import { trialDetailJson } from '../src/views/trial-detail-json.js';
import { memberSchedule } from '../src/store/segments.js';
import { studyJson, trialJson } from '../src/views/trial-json.js';
import type { StudiesView, StudyPageView, StudyView, TrialPageView } from './page-views.js';
import { trialCurvesSpec } from './trial-curves-spec.js';
import { logTail, WIRE_LOG_LIMIT } from '../src/wire/run-codec.js';
import { trialTableQuery } from './trial-table-query.js';

// The JSON the dashboard's pages read (GET /api/...), from the store; page-views.ts has its shapes.

export async function studiesView(store: TrialStore): Promise<StudiesView> {
  const studies = await store.listStudies();
  return { studies: studies.map(studyView) };
}

/**
 * A study's page: its progress, its best trial and one page of its trials, sorted and filtered
 * by the store, so that a poll costs the same on a study of 100 trials and of 100,000.
 */
export async function studyPageView(
  store: TrialStore,
  name: string,
  search: URLSearchParams = new URLSearchParams(),
): Promise<StudyPageView> {
  const record = await store.getStudy(name);
  const query = trialTableQuery(search, record.definition.space);
  const [summary, page, [best]] = await Promise.all([
    store.summariseStudy(record.id),
    store.pageTrials(record.id, query),
    store.bestTrials(record.id, 1),
  ]);
  return {
    study: studyView(summary),
    best: best === undefined ? null : trialJson(best),
    params: Object.keys(record.definition.space),
    trials: page.rows.map(({ trial, currentEpoch }) => ({ ...trialJson(trial), current_epoch: currentEpoch })),
    matching: page.matching,
    offset: query.offset,
    limit: query.limit,
  };
}

/**
 * A trial's page: the shape of `sweeper show --json` (so the test evaluation carries its
 * per-class scores too), with the study's progress, the running epoch and the curves' spec.
 */
export async function trialPageView(store: TrialStore, name: string, number: number): Promise<TrialPageView> {
  const record = await store.getStudy(name);
  const [summary, trial] = await Promise.all([store.summariseStudy(record.id), store.getTrial(record.id, number)]);
  const [epochs, repeats, logs] = await Promise.all([store.getEpochs(trial.id), store.getRepeats(trial.id), store.getLogs(trial.id)]);
  const schedule = record.definition.scheduler ? memberSchedule(trial, await store.listSegments(record.id)) : [];
  const detail = trialDetailJson(summary, trial, repeats, epochs, studyClassNames(record.definition), schedule);
  return {
    ...detail,
    study: studyView(summary),
    trial: { ...detail.trial, current_epoch: maxEpoch(epochs) },
    curves: trialCurvesSpec(detail.epochs, summary.metric),
    // Bounded as the coordinator takes a log off the wire, whatever a store holds.
    logs: logs.map(({ repeat, log }) => ({ repeat, log: logTail(log, WIRE_LOG_LIMIT) })),
  };
}

function studyView(summary: StudySummary): StudyView {
  const c = summary.counts;
  return { ...studyJson(summary), finished: c.COMPLETE + c.PRUNED + c.FAILED };
}

function maxEpoch(epochs: readonly { epoch: number }[]): number | null {
  return epochs.length === 0 ? null : Math.max(...epochs.map((e) => e.epoch));
}
