import { chartLibraryScripts } from '../src/report/chart-scripts.js';
import { studySections } from '../src/report/study-charts.js';
import { loadStudyReportData } from '../src/report/study-report-data.js';
import type { TrialStore } from '../src/store/trial-store.js';
import type { StudyChartsView } from './page-views.js';

/**
 * The study report's charts (`sweeper report`), from the same data and the same module, in the
 * report's order: the dashboard draws exactly what the report would at this moment.
 */
export async function studyChartsView(store: TrialStore, name: string): Promise<StudyChartsView> {
  const data = await loadStudyReportData(store, name);
  return { sections: studySections(data).map((section) => ({ ...section })) };
}

let script: string | undefined;

/**
 * vega, vega-lite and vega-embed as one script served from /assets/charts.js: the report's
 * `<script>` tags (read from node_modules, no network) with the tags taken off, since the
 * dashboard's Content-Security-Policy allows no inline script. chartLibraryScripts escapes any
 * "</script" inside the code, so the first closing tag after each opening one ends it.
 */
export function chartScript(): string {
  script ??= [...chartLibraryScripts().matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((match) => `${match[1] ?? ''};`).join('\n');
  return script;
}
