import type { TrialPageView } from '../page-views.js';
import { drawChart } from './draw-chart.js';
import { h } from './element.js';
import { poll } from './live-refresh.js';
import { app } from './page-frame.js';
import { studyUrl } from './page-urls.js';
import { renderEpochs } from './trial-epochs.js';
import { renderLogs } from './trial-logs.js';
import { renderRepeats } from './trial-repeats.js';
import { renderSchedule } from './trial-schedule.js';
import { renderTrialSummary } from './trial-summary.js';

/** /studies/NAME/trials/N: the trial's summary, learning curves, repeats with their test evaluation, and epochs. */
export function trialPage(name: string, number: number): void {
  const summary = h('section', { id: 'summary' });
  const curves = h('figure', { class: 'chart', id: 'curves' });
  const epochs = h('section', { id: 'epochs' });
  const repeats = h('section', { id: 'repeats' });
  const schedule = h('section', { id: 'schedule' });
  const logs = h('section', { id: 'logs' });
  app.replaceChildren(
    h('h1', {}, 'Trial ', h('span', { class: 'name' }, number), ' of ', h('a', { href: studyUrl(name) }, name)),
    summary,
    schedule,
    h('h2', {}, 'Learning curves'),
    curves,
    h('h2', {}, 'Repeats and test evaluation'),
    repeats,
    h('h2', {}, 'Epochs'),
    epochs,
    logs,
  );
  let curvesKey: number | null = null;
  poll<TrialPageView>(`/studies/${encodeURIComponent(name)}/trials/${number}`, (view) => {
    renderTrialSummary(summary, view);
    renderSchedule(schedule, name, view);
    // The curves change with each epoch recorded: redrawn only then.
    const key = view.epochs.length;
    if (key !== curvesKey) {
      curvesKey = key;
      if (view.curves) drawChart(curves, view.curves);
      else curves.replaceChildren(h('p', { class: 'muted' }, 'no epoch recorded yet'));
    }
    renderRepeats(repeats, view);
    renderEpochs(epochs, view);
    renderLogs(logs, view);
  });
}
