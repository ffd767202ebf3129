import type { StudiesView, TrialState } from '../page-views.js';
import { h } from './element.js';
import { formatTime } from './format-values.js';
import { poll } from './live-refresh.js';
import { numberCell } from './number-cell.js';
import { app } from './page-frame.js';
import { studyUrl } from './page-urls.js';
import { progressBar } from './progress-bar.js';

const HEAD = ['study', 'objective', 'progress', 'running', 'queued', 'complete', 'pruned', 'failed', 'best', 'created'];
const COUNTED = ['RUNNING', 'QUEUED', 'COMPLETE', 'PRUNED', 'FAILED'] as const satisfies readonly TrialState[];

/** /: every study of the store, its progress and best value. */
export function studiesPage(): void {
  poll<StudiesView>('/studies', ({ studies }) => {
    if (studies.length === 0) {
      app.replaceChildren(h('h1', {}, 'Studies'), h('p', { class: 'muted' }, 'no studies in this store yet'));
      return;
    }
    const rows = studies.map((s) =>
      h(
        'tr',
        { 'data-study': s.name },
        h('td', {}, h('a', { href: studyUrl(s.name) }, s.name)),
        h('td', {}, `${s.direction} ${s.metric}`),
        h('td', {}, progressBar(s)),
        ...COUNTED.map((state) => h('td', { class: 'num', 'data-count': state }, s.counts[state])),
        numberCell(s.best_value, { 'data-field': 'best' }),
        h('td', {}, formatTime(s.created_at)),
      ),
    );
    app.replaceChildren(
      h('h1', {}, 'Studies'),
      h(
        'table',
        { class: 'grid', id: 'studies' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            HEAD.map((name) => h('th', {}, name)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    );
  });
}
