import type { DashboardTrialJson, StudyPageView } from '../page-views.js';
import { h } from './element.js';
import { formatSeconds } from './format-values.js';
import { numberCell } from './number-cell.js';
import { trialUrl } from './page-urls.js';
import { STATES, trialCount } from './trial-states.js';

const PAGE_ROWS = 100;

export interface TrialsTable {
  /** The controls (state and text filters, paging) and the table. */
  readonly element: HTMLElement;
  /** The query string of the page to show: sort, order, filters, offset, limit (see trial-table-query.ts). */
  query(): string;
  /** Shows a page of trials the server answered. */
  update(view: StudyPageView): void;
}

interface Column {
  /** The sort key the server takes (`sort=`). */
  readonly key: string;
  readonly title: string;
  readonly cell: (trial: DashboardTrialJson) => HTMLTableCellElement;
}

/**
 * The trials table, one page at a time: the server sorts, filters and cuts it (a study can hold
 * 100,000 trials). Click a header to sort (again to reverse); filter by state and by text.
 * `changed` is called when the query changes, to fetch the new page at once.
 */
export function trialsTable(studyName: string, changed: () => void): TrialsTable {
  let sortKey = 'number';
  let descending = false;
  let stateFilter = '';
  let textFilter = '';
  let offset = 0;
  let typing: ReturnType<typeof setTimeout> | undefined;

  const requery = (reset = true): void => {
    if (reset) offset = 0;
    changed();
  };
  const stateSelect = h(
    'select',
    { id: 'state-filter' },
    h('option', { value: '' }, 'all states'),
    STATES.map((state) => h('option', { value: state }, state)),
  );
  stateSelect.addEventListener('change', () => {
    stateFilter = stateSelect.value;
    requery();
  });
  const textInput = h('input', { id: 'text-filter', type: 'search', placeholder: 'filter: text in any column' });
  textInput.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      textFilter = textInput.value.trim();
      requery();
    }, 200);
  });
  const shown = h('span', { id: 'shown', class: 'muted' });
  const previous = h(
    'button',
    { id: 'page-previous', type: 'button', onclick: () => ((offset = Math.max(0, offset - PAGE_ROWS)), requery(false)) },
    '‹ previous',
  );
  const next = h('button', { id: 'page-next', type: 'button', onclick: () => ((offset += PAGE_ROWS), requery(false)) }, 'next ›');
  const table = h('table', { class: 'grid sortable', id: 'trials-table' });
  const element = h('div', {}, h('div', { class: 'controls' }, stateSelect, textInput, shown, previous, next), table);

  function columns(view: StudyPageView): Column[] {
    return [
      { key: 'number', title: 'trial', cell: (t) => h('td', { class: 'num' }, h('a', { href: trialUrl(studyName, t.number) }, t.number)) },
      { key: 'state', title: 'state', cell: (t) => h('td', {}, h('span', { class: `state ${t.state.toLowerCase()}` }, t.state)) },
      { key: 'value', title: view.study.metric, cell: (t) => numberCell(t.value) },
      { key: 'current_epoch', title: 'epochs', cell: (t) => numberCell(t.current_epoch) },
      { key: 'best_epoch', title: 'best epoch', cell: (t) => numberCell(t.best_epoch) },
      { key: 'train_seconds', title: 'train time', cell: (t) => h('td', { class: 'num' }, formatSeconds(t.train_seconds)) },
      { key: 'test_accuracy', title: 'test acc.', cell: (t) => numberCell(t.test_accuracy) },
      { key: 'worker', title: 'worker', cell: (t) => h('td', {}, t.worker ?? '–') },
      ...view.params.map((param): Column => ({ key: `param:${param}`, title: param, cell: (t) => numberCell(t.params[param] ?? null) })),
    ];
  }

  function render(view: StudyPageView): void {
    const cols = columns(view);
    const header = h(
      'tr',
      {},
      cols.map((c) =>
        h(
          'th',
          {
            'data-sort': c.key,
            'aria-sort': c.key === sortKey ? (descending ? 'descending' : 'ascending') : 'none',
            onclick: () => {
              descending = c.key === sortKey ? !descending : false;
              sortKey = c.key;
              requery();
            },
          },
          c.title,
          c.key === sortKey ? (descending ? ' ▼' : ' ▲') : '',
        ),
      ),
    );
    table.replaceChildren(
      h('thead', {}, header),
      h(
        'tbody',
        {},
        view.trials.map((t) =>
          h(
            'tr',
            { 'data-trial': t.number, 'data-state': t.state, title: t.reason ?? '' },
            cols.map((c) => c.cell(t)),
          ),
        ),
      ),
    );
    const range = view.trials.length === 0 ? '0' : `${view.offset + 1}–${view.offset + view.trials.length}`;
    shown.textContent = `${range} of ${view.matching} matching, ${trialCount(view.study.counts)} trials`;
    shown.dataset.matching = String(view.matching);
    previous.disabled = view.offset === 0;
    next.disabled = view.offset + view.trials.length >= view.matching;
  }

  function query(): string {
    const params = new URLSearchParams({
      sort: sortKey,
      order: descending ? 'desc' : 'asc',
      offset: String(offset),
      limit: String(PAGE_ROWS),
    });
    if (stateFilter) params.set('state', stateFilter);
    if (textFilter) params.set('q', textFilter);
    return params.toString();
  }

  return {
    element,
    query,
    update(view) {
      // What this page answers (a newer query's answer replaces it; an older one is dropped): tests wait on it.
      table.dataset.query = query();
      // Filters that leave fewer trials than the page's start: back to the last page there is.
      if (view.trials.length === 0 && view.offset > 0 && view.matching > 0) {
        offset = Math.floor((view.matching - 1) / PAGE_ROWS) * PAGE_ROWS;
        requery(false);
      }
      render(view);
    },
  };
}
