import type { StudyPageView } from '../page-views.js';
import { loadCharts, type ChartsEtag } from './chart-sections.js';
import { h } from './element.js';
import { poll } from './live-refresh.js';
import { app } from './page-frame.js';
import { renderStudySummary } from './study-summary.js';
import { trialsTable } from './trials-table.js';
import { trialCount } from './trial-states.js';

/** /studies/NAME: the study's progress and best trial, its charts, and its trials table a page at a time. */
export function studyPage(name: string): void {
  const summary = h('section', { id: 'summary' });
  const charts = h('section', { id: 'charts' });
  const trials = h('section', { id: 'trials' });
  app.replaceChildren(
    h('h1', {}, 'Study ', h('span', { class: 'name' }, name)),
    summary,
    h('h2', {}, 'Charts'),
    charts,
    h('h2', {}, 'Trials'),
    trials,
  );
  const table = trialsTable(name, () => poller.refresh());
  trials.append(table.element);

  let chartsKey: string | null = null;
  const chartsEtag: ChartsEtag = { value: null };
  const poller = poll<StudyPageView>(
    () => `/studies/${encodeURIComponent(name)}?${table.query()}`,
    (view) => {
      renderStudySummary(summary, view);
      table.update(view);
      // Charts change when trials finish or start: ask again only then (the server keeps big ones a while).
      const key = `${view.study.finished}/${view.study.counts.RUNNING}/${view.study.counts.QUEUED}`;
      if (key !== chartsKey) {
        chartsKey = key;
        void loadCharts(name, charts, chartsEtag, trialCount(view.study.counts));
      }
    },
  );
}
