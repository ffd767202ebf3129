import type { TrialStore } from '../src/store/trial-store.js';

/** One section of the study page's charts: a Vega-Lite spec, or why the chart is missing. */
export type ChartSection = { id: string; title: string; spec: object } | { id: string; title: string; note: string };

/** The report's charts for a study. (Placeholder until the report's chart module is merged.) */
export async function studyChartsView(store: TrialStore, name: string): Promise<{ sections: ChartSection[] }> {
  await store.getStudy(name);
  return { sections: [] };
}

/** The chart libraries as one script. (Placeholder until the report's chart module is merged.) */
export function chartScript(): string {
  return '';
}
