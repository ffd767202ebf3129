import type { HostedStudyJson, RunJson, WorkerJson, WorkersView } from '../page-views.js';
import { h } from './element.js';
import { formatSeconds } from './format-values.js';
import { poll } from './live-refresh.js';
import { numberCell } from './number-cell.js';
import { app } from './page-frame.js';
import { studyUrl, trialUrl } from './page-urls.js';

/** /workers (a coordinator's dashboard only): connected workers, running trials and hosted studies, as `sweeper status` shows them. */
export function workersPage(): void {
  poll<WorkersView>('/workers', ({ workers, runs, studies }) => {
    const threads = workers.reduce((n, w) => n + w.threads, 0);
    const busy = workers.reduce((n, w) => n + w.busy, 0);
    app.replaceChildren(
      h('h1', {}, 'Workers'),
      h('p', { id: 'workers-summary' }, `${workers.length} workers, ${busy}/${threads} threads busy`),
      workers.length > 0 ? workerTable(workers) : h('p', { class: 'muted' }, 'no worker connected'),
      h('h2', {}, 'Running trials'),
      runs.length > 0 ? runTable(runs) : h('p', { class: 'muted' }, 'none'),
      h('h2', {}, 'Hosted studies'),
      studies.length > 0 ? studyTable(studies) : h('p', { class: 'muted' }, 'none'),
    );
  });
}

function headRow(titles: readonly string[]): HTMLTableSectionElement {
  return h(
    'thead',
    {},
    h(
      'tr',
      {},
      titles.map((title) => h('th', {}, title)),
    ),
  );
}

function workerTable(workers: readonly WorkerJson[]): HTMLTableElement {
  return h(
    'table',
    { class: 'grid', id: 'workers-table' },
    headRow(['worker', 'host:pid', 'threads', 'busy', 'state', 'last heard', 'version']),
    h(
      'tbody',
      {},
      workers.map((w) =>
        h(
          'tr',
          { 'data-worker': w.id },
          h('td', {}, w.id),
          h('td', { 'data-field': 'host-pid' }, `${w.host}:${w.pid}`),
          h('td', { class: 'num', 'data-field': 'threads' }, w.threads),
          h('td', { class: 'num', 'data-field': 'busy' }, w.busy),
          h('td', {}, w.draining ? 'draining' : w.connected ? 'connected' : 'reconnecting'),
          h('td', { class: 'num' }, `${(w.silent_ms / 1000).toFixed(1)}s ago`),
          h('td', {}, w.version),
        ),
      ),
    ),
  );
}

function runTable(runs: readonly RunJson[]): HTMLTableElement {
  return h(
    'table',
    { class: 'grid', id: 'runs-table' },
    headRow(['study', 'trial', 'attempt', 'repeat', 'worker', 'epoch', 'running']),
    h(
      'tbody',
      {},
      runs.map((r) => {
        // A run always names its study; were the wire to leave it out, the link would read "undefined", as it always has.
        const study = String(r.study);
        return h(
          'tr',
          { 'data-study': r.study, 'data-trial': r.trial, 'data-worker': r.worker ?? '' },
          h('td', {}, h('a', { href: studyUrl(study) }, r.study)),
          h('td', { class: 'num' }, h('a', { href: trialUrl(study, r.trial) }, r.trial)),
          h('td', { class: 'num' }, r.attempt),
          h('td', { class: 'num' }, r.repeat),
          h('td', {}, r.worker ?? '(waiting)'),
          h('td', { class: 'num', 'data-field': 'epoch' }, r.epoch),
          h('td', { class: 'num' }, formatSeconds(r.running_ms / 1000)),
        );
      }),
    ),
  );
}

function studyTable(studies: readonly HostedStudyJson[]): HTMLTableElement {
  return h(
    'table',
    { class: 'grid' },
    headRow(['study', 'state', 'progress', 'best']),
    h(
      'tbody',
      {},
      studies.map((s) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: studyUrl(s.name) }, s.name)),
          h('td', {}, s.state),
          h('td', {}, `${s.counts.COMPLETE + s.counts.PRUNED + s.counts.FAILED}${s.budget ? `/${s.budget}` : ''}`),
          numberCell(s.best_value),
        ),
      ),
    ),
  );
}
