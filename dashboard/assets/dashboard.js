// The dashboard's pages, drawn in the browser from the JSON API (see dashboard/dashboard-server.ts).
// Each page polls its API every second with If-None-Match: an unchanged answer is a bodiless 304
// and nothing is redrawn, so a page follows a running sweep at little cost. Plain script, no
// build step and no network beyond this server; charts use the vega libraries of /assets/charts.js.
'use strict';

(() => {
  const POLL_MS = 1000;
  const SVG_MAX_POINTS = 5000;
  const STATES = ['QUEUED', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAILED'];
  const body = document.body;
  const app = document.getElementById('app');
  const live = document.getElementById('live');

  /** An element with attributes (on* are listeners) and children (strings become text). */
  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
      else element.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  function formatNumber(value) {
    if (value === null || value === undefined) return '–';
    if (typeof value !== 'number') return String(value);
    if (Number.isInteger(value)) return String(value);
    const magnitude = Math.abs(value);
    return magnitude !== 0 && (magnitude >= 1e4 || magnitude < 1e-3) ? value.toExponential(3) : value.toFixed(4);
  }

  function formatSeconds(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  }

  function formatTime(iso) {
    return iso ? iso.replace('T', ' ').slice(0, 19) : '–';
  }

  /** Every trial of a study, in any state. */
  const trialCount = (study) => STATES.reduce((sum, state) => sum + study.counts[state], 0);
  const studyUrl = (name) => `/studies/${encodeURIComponent(name)}`;
  const trialUrl = (name, number) => `${studyUrl(name)}/trials/${number}`;
  const apiUrl = (path) => `/api${path}`;

  /** A number in a cell: shown rounded, exact in data-value and the tooltip. */
  function numberCell(value, attrs) {
    return h('td', { class: 'num', 'data-value': value === null || value === undefined ? '' : value, title: value ?? '', ...attrs }, formatNumber(value));
  }

  function progressBar(study) {
    const budget = study.budget;
    const c = study.counts;
    const total = budget || Math.max(1, study.finished + c.RUNNING + c.QUEUED);
    const segment = (state) => h('span', { class: `seg ${state.toLowerCase()}`, style: `width:${(100 * c[state]) / total}%` });
    return h(
      'div',
      { class: 'progress', title: `${study.finished} finished${budget ? ` of ${budget}` : ''}` },
      h('div', { class: 'bar' }, segment('COMPLETE'), segment('PRUNED'), segment('FAILED'), segment('RUNNING')),
      h('span', { class: 'progress-text', 'data-field': 'progress' }, budget ? `${study.finished}/${budget}` : String(study.finished)),
    );
  }

  /**
   * Fetches `path` (a string, or a function giving the current one) now and every POLL_MS,
   * calling `render` with each new answer. `refresh()` fetches at once, e.g. after the path changed;
   * an answer to an older path is dropped.
   */
  function poll(path, render) {
    let etag = null;
    let timer = null;
    let generation = 0;
    const tick = async () => {
      const mine = ++generation;
      clearTimeout(timer);
      const url = apiUrl(typeof path === 'function' ? path() : path);
      try {
        const response = await fetch(url, { cache: 'no-store', headers: etag ? { 'if-none-match': etag } : {} });
        if (mine !== generation) return;
        if (response.status === 200) {
          etag = response.headers.get('etag');
          const view = await response.json();
          if (mine !== generation) return;
          render(view);
        } else if (response.status !== 304) {
          const text = await response.text();
          let message = text;
          try {
            message = JSON.parse(text).error || text;
          } catch {
            // plain text
          }
          app.replaceChildren(h('p', { class: 'error', 'data-status': response.status }, message));
          etag = null;
        }
        live.className = 'live ok';
        live.title = `updated ${new Date().toLocaleTimeString()} (every ${POLL_MS / 1000} s)`;
      } catch {
        if (mine !== generation) return;
        live.className = 'live offline';
        live.title = 'the dashboard is out of reach; retrying';
      }
      timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    return {
      refresh() {
        etag = null;
        void tick();
      },
    };
  }

  /**
   * Draws a Vega-Lite spec into `element`, or says why it cannot. SVG (crisp, one element per
   * mark) unless the study is large: 100,000 points take 8 s to draw as SVG, 3 s on a canvas.
   */
  function drawChart(element, spec, points = 0) {
    if (typeof window.vegaEmbed !== 'function') {
      element.replaceChildren(h('p', { class: 'muted' }, 'charts are not available (the chart libraries did not load)'));
      return;
    }
    const renderer = points > SVG_MAX_POINTS ? 'canvas' : 'svg';
    element.dataset.renderer = renderer;
    window.vegaEmbed(element, spec, { actions: false, renderer }).catch((error) => {
      element.replaceChildren(h('p', { class: 'error' }, `chart failed: ${error.message}`));
    });
  }

  // ---------------------------------------------------------------- studies

  function studiesPage() {
    poll('/studies', ({ studies }) => {
      if (studies.length === 0) {
        app.replaceChildren(h('h1', {}, 'Studies'), h('p', { class: 'muted' }, 'no studies in this store yet'));
        return;
      }
      const head = ['study', 'objective', 'progress', 'running', 'queued', 'complete', 'pruned', 'failed', 'best', 'created'];
      const rows = studies.map((s) =>
        h(
          'tr',
          { 'data-study': s.name },
          h('td', {}, h('a', { href: studyUrl(s.name) }, s.name)),
          h('td', {}, `${s.direction} ${s.metric}`),
          h('td', {}, progressBar(s)),
          ...['RUNNING', 'QUEUED', 'COMPLETE', 'PRUNED', 'FAILED'].map((state) => h('td', { class: 'num', 'data-count': state }, s.counts[state])),
          numberCell(s.best_value, { 'data-field': 'best' }),
          h('td', {}, formatTime(s.created_at)),
        ),
      );
      app.replaceChildren(h('h1', {}, 'Studies'), h('table', { class: 'grid', id: 'studies' }, h('thead', {}, h('tr', {}, head.map((name) => h('th', {}, name)))), h('tbody', {}, rows)));
    });
  }

  // ---------------------------------------------------------------- study

  function studyPage(name) {
    const summary = h('section', { id: 'summary' });
    const charts = h('section', { id: 'charts' });
    const trials = h('section', { id: 'trials' });
    app.replaceChildren(h('h1', {}, 'Study ', h('span', { class: 'name' }, name)), summary, h('h2', {}, 'Charts'), charts, h('h2', {}, 'Trials'), trials);
    const table = trialsTable(name, () => poller.refresh());
    trials.append(table.element);

    let chartsKey = null;
    const chartsEtag = { value: null };
    const poller = poll(
      () => `/studies/${encodeURIComponent(name)}?${table.query()}`,
      (view) => {
        renderStudySummary(summary, view);
        table.update(view);
        // Charts change when trials finish or start: ask again only then (the server keeps big ones a while).
        const key = `${view.study.finished}/${view.study.counts.RUNNING}/${view.study.counts.QUEUED}`;
        if (key !== chartsKey) {
          chartsKey = key;
          void loadCharts(name, charts, chartsEtag, trialCount(view.study));
        }
      },
    );
  }

  function renderStudySummary(element, { study, best }) {
    const c = study.counts;
    const running = c.RUNNING > 0 || (study.budget !== null && study.finished < study.budget);
    element.replaceChildren(
      h(
        'div',
        { class: 'cards' },
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'objective'), h('div', { class: 'big' }, `${study.direction} ${study.metric}`)),
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'progress'), progressBar(study), h('div', { class: 'muted', 'data-field': 'state' }, running ? 'running' : 'finished')),
        h(
          'div',
          { class: 'card' },
          h('div', { class: 'label' }, 'best so far'),
          h('div', { class: 'big', 'data-field': 'best-value', 'data-value': best ? best.value : '' }, best ? formatNumber(best.value) : '–'),
          best ? h('div', {}, h('a', { href: trialUrl(study.name, best.number), 'data-field': 'best-trial' }, `trial ${best.number}`), best.value_std !== null ? ` ± ${formatNumber(best.value_std)}` : '') : null,
        ),
        h(
          'div',
          { class: 'card' },
          h('div', { class: 'label' }, 'trials'),
          h('table', { class: 'counts' }, h('tbody', {}, STATES.map((state) => h('tr', {}, h('th', {}, state.toLowerCase()), h('td', { class: 'num', 'data-count': state }, c[state]))))),
        ),
      ),
      best ? h('p', { class: 'params' }, 'best parameters: ', Object.entries(best.params).map(([key, value]) => h('code', {}, `${key}=${formatNumber(value)}`))) : null,
    );
  }

  /** Draws the study's charts, unless the server answers that they have not changed (304). */
  async function loadCharts(name, element, etag, trials) {
    try {
      const response = await fetch(apiUrl(`/studies/${encodeURIComponent(name)}/charts`), { cache: 'no-store', headers: etag.value ? { 'if-none-match': etag.value } : {} });
      if (response.status !== 200) return;
      etag.value = response.headers.get('etag');
      const { sections } = await response.json();
      const existing = new Map([...element.children].map((child) => [child.dataset.chartId, child]));
      const children = sections.map((section) => {
        const block = existing.get(section.id) || h('figure', { class: 'chart', 'data-chart-id': section.id });
        const plot = h('div', { class: 'plot' });
        block.replaceChildren(h('figcaption', {}, section.title), 'spec' in section ? plot : h('p', { class: 'muted note' }, section.note));
        if ('spec' in section) drawChart(plot, section.spec, trials);
        return block;
      });
      if (sections.length === 0) children.push(h('p', { class: 'muted' }, 'no charts yet'));
      element.replaceChildren(...children);
    } catch {
      // The next change tries again.
    }
  }

  /**
   * The trials table, one page at a time: the server sorts, filters and cuts it (a study can hold
   * 100,000 trials). Click a header to sort (again to reverse); filter by state and by text.
   * `changed` is called when the query changes, to fetch the new page at once.
   */
  function trialsTable(studyName, changed) {
    const PAGE_ROWS = 100;
    let sortKey = 'number';
    let descending = false;
    let stateFilter = '';
    let textFilter = '';
    let offset = 0;
    let typing = null;

    const requery = (reset = true) => {
      if (reset) offset = 0;
      changed();
    };
    const stateSelect = h('select', { id: 'state-filter', onchange: (event) => ((stateFilter = event.target.value), requery()) }, h('option', { value: '' }, 'all states'), STATES.map((state) => h('option', { value: state }, state)));
    const textInput = h('input', {
      id: 'text-filter',
      type: 'search',
      placeholder: 'filter: text in any column',
      oninput: (event) => {
        clearTimeout(typing);
        typing = setTimeout(() => ((textFilter = event.target.value.trim()), requery()), 200);
      },
    });
    const shown = h('span', { id: 'shown', class: 'muted' });
    const previous = h('button', { id: 'page-previous', type: 'button', onclick: () => ((offset = Math.max(0, offset - PAGE_ROWS)), requery(false)) }, '‹ previous');
    const next = h('button', { id: 'page-next', type: 'button', onclick: () => ((offset += PAGE_ROWS), requery(false)) }, 'next ›');
    const table = h('table', { class: 'grid sortable', id: 'trials-table' });
    const element = h('div', {}, h('div', { class: 'controls' }, stateSelect, textInput, shown, previous, next), table);

    function columns(view) {
      return [
        { key: 'number', title: 'trial', cell: (t) => h('td', { class: 'num' }, h('a', { href: trialUrl(studyName, t.number) }, t.number)) },
        { key: 'state', title: 'state', cell: (t) => h('td', {}, h('span', { class: `state ${t.state.toLowerCase()}` }, t.state)) },
        { key: 'value', title: view.study.metric, cell: (t) => numberCell(t.value) },
        { key: 'current_epoch', title: 'epochs', cell: (t) => numberCell(t.current_epoch) },
        { key: 'best_epoch', title: 'best epoch', cell: (t) => numberCell(t.best_epoch) },
        { key: 'train_seconds', title: 'train time', cell: (t) => h('td', { class: 'num' }, formatSeconds(t.train_seconds)) },
        { key: 'test_accuracy', title: 'test acc.', cell: (t) => numberCell(t.test_accuracy) },
        { key: 'worker', title: 'worker', cell: (t) => h('td', {}, t.worker ?? '–') },
        ...view.params.map((param) => ({ key: `param:${param}`, title: param, cell: (t) => numberCell(t.params[param] ?? null) })),
      ];
    }

    function render(view) {
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
      table.replaceChildren(h('thead', {}, header), h('tbody', {}, view.trials.map((t) => h('tr', { 'data-trial': t.number, 'data-state': t.state, title: t.reason ?? '' }, cols.map((c) => c.cell(t))))));
      const range = view.trials.length === 0 ? '0' : `${view.offset + 1}–${view.offset + view.trials.length}`;
      shown.textContent = `${range} of ${view.matching} matching, ${trialCount(view.study)} trials`;
      shown.dataset.matching = view.matching;
      previous.disabled = view.offset === 0;
      next.disabled = view.offset + view.trials.length >= view.matching;
    }

    return {
      element,
      query() {
        const params = new URLSearchParams({ sort: sortKey, order: descending ? 'desc' : 'asc', offset: String(offset), limit: String(PAGE_ROWS) });
        if (stateFilter) params.set('state', stateFilter);
        if (textFilter) params.set('q', textFilter);
        return params.toString();
      },
      update(view) {
        // What this page answers (a newer query's answer replaces it; an older one is dropped): tests wait on it.
        table.dataset.query = this.query();
        // Filters that leave fewer trials than the page's start: back to the last page there is.
        if (view.trials.length === 0 && view.offset > 0 && view.matching > 0) {
          offset = Math.floor((view.matching - 1) / PAGE_ROWS) * PAGE_ROWS;
          requery(false);
        }
        render(view);
      },
    };
  }

  // ---------------------------------------------------------------- trial

  function trialPage(name, number) {
    const summary = h('section', { id: 'summary' });
    const curves = h('figure', { class: 'chart', id: 'curves' });
    const epochs = h('section', { id: 'epochs' });
    const repeats = h('section', { id: 'repeats' });
    app.replaceChildren(
      h('h1', {}, 'Trial ', h('span', { class: 'name' }, number), ' of ', h('a', { href: studyUrl(name) }, name)),
      summary,
      h('h2', {}, 'Learning curves'),
      curves,
      h('h2', {}, 'Repeats and test evaluation'),
      repeats,
      h('h2', {}, 'Epochs'),
      epochs,
    );
    let curvesKey = null;
    poll(`/studies/${encodeURIComponent(name)}/trials/${number}`, (view) => {
      renderTrialSummary(summary, view);
      const key = view.epochs.length;
      if (key !== curvesKey) {
        curvesKey = key;
        if (view.curves) drawChart(curves, view.curves);
        else curves.replaceChildren(h('p', { class: 'muted' }, 'no epoch recorded yet'));
      }
      renderRepeats(repeats, view);
      renderEpochs(epochs, view);
    });
  }

  function renderTrialSummary(element, { trial, study }) {
    const field = (label, value, attrs) => h('tr', {}, h('th', {}, label), h('td', attrs || {}, value));
    element.replaceChildren(
      h(
        'div',
        { class: 'cards' },
        h(
          'table',
          { class: 'kv card' },
          h(
            'tbody',
            {},
            field('state', h('span', { class: `state ${trial.state.toLowerCase()}` }, trial.state), { 'data-field': 'state' }),
            field(study.metric, `${formatNumber(trial.value)}${trial.value_std !== null ? ` ± ${formatNumber(trial.value_std)}` : ''}`, { 'data-field': 'value', 'data-value': trial.value ?? '' }),
            field('epochs', formatNumber(trial.current_epoch), { 'data-field': 'epochs' }),
            field('best epoch', formatNumber(trial.best_epoch)),
            field('repeats', formatNumber(trial.repeats)),
            field('test accuracy', formatNumber(trial.test_accuracy), { 'data-field': 'test-accuracy' }),
            field('train time', formatSeconds(trial.train_seconds)),
            field('attempt', trial.attempt),
            field('worker', trial.worker ?? '–'),
            field('started', formatTime(trial.started_at)),
            field('finished', formatTime(trial.finished_at)),
            trial.reason ? field('reason', trial.reason) : null,
          ),
        ),
        h('table', { class: 'kv card' }, h('tbody', {}, Object.entries(trial.params).map(([key, value]) => field(key, formatNumber(value))))),
      ),
    );
  }

  function renderRepeats(element, { repeats }) {
    if (repeats.length === 0) {
      element.replaceChildren(h('p', { class: 'muted' }, 'no repeat has finished yet'));
      return;
    }
    const head = ['repeat', 'seed', 'value', 'epochs', 'best epoch', 'train time', 'test epoch', 'test loss', 'test accuracy'];
    const children = [
      h(
        'table',
        { class: 'grid', id: 'repeats-table' },
        h('thead', {}, h('tr', {}, head.map((title) => h('th', {}, title)))),
        h(
          'tbody',
          {},
          repeats.map((r) =>
            h('tr', { 'data-repeat': r.repeat }, h('td', { class: 'num' }, r.repeat), h('td', { class: 'num' }, r.seed), numberCell(r.value), numberCell(r.epochs), numberCell(r.best_epoch), h('td', { class: 'num' }, formatSeconds(r.train_seconds)), numberCell(r.test ? r.test.epoch : null), numberCell(r.test ? r.test.loss : null), numberCell(r.test ? r.test.accuracy : null, { 'data-field': 'test-accuracy' })),
          ),
        ),
      ),
    ];
    for (const r of repeats) {
      if (!r.test) continue;
      const classes = r.test.confusion.length;
      children.push(
        h('h3', {}, `Confusion matrix, repeat ${r.repeat} (rows: actual, columns: predicted)`),
        h(
          'table',
          { class: 'grid confusion' },
          h('thead', {}, h('tr', {}, h('th', {}, ''), Array.from({ length: classes }, (_, i) => h('th', {}, i)))),
          h('tbody', {}, r.test.confusion.map((row, actual) => h('tr', {}, h('th', { 'data-class': actual }, classLabel(r.test.classes[actual], actual)), row.map((count, predicted) => h('td', { class: `num${actual === predicted ? ' diagonal' : ''}` }, count))))),
        ),
      );
    }
    element.replaceChildren(...children);
  }

  /** "6 Shirt" where the dataset names its classes, "6" where the number is the name. */
  function classLabel(scores, number) {
    return scores && scores.name !== String(number) ? `${number} ${scores.name}` : String(number);
  }

  function renderEpochs(element, { epochs }) {
    if (epochs.length === 0) {
      element.replaceChildren(h('p', { class: 'muted' }, 'no epoch recorded yet'));
      return;
    }
    const metrics = ['train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'learning_rate', 'mutual_information'].filter((m) => epochs.some((e) => e[m] !== null));
    element.replaceChildren(
      h(
        'table',
        { class: 'grid', id: 'epochs-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'repeat'), h('th', {}, 'epoch'), metrics.map((m) => h('th', {}, m)), h('th', {}, 'time'))),
        h('tbody', {}, epochs.map((e) => h('tr', { 'data-repeat': e.repeat, 'data-epoch': e.epoch }, h('td', { class: 'num' }, e.repeat), h('td', { class: 'num' }, e.epoch), metrics.map((m) => numberCell(e[m])), h('td', { class: 'num' }, formatSeconds(e.epoch_seconds))))),
      ),
    );
  }

  // ---------------------------------------------------------------- workers

  function workersPage() {
    poll('/workers', ({ workers, runs, studies }) => {
      const threads = workers.reduce((n, w) => n + w.threads, 0);
      const busy = workers.reduce((n, w) => n + w.busy, 0);
      const workerTable = h(
        'table',
        { class: 'grid', id: 'workers-table' },
        h('thead', {}, h('tr', {}, ['worker', 'host:pid', 'threads', 'busy', 'state', 'last heard', 'version'].map((title) => h('th', {}, title)))),
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
      const runTable = h(
        'table',
        { class: 'grid', id: 'runs-table' },
        h('thead', {}, h('tr', {}, ['study', 'trial', 'attempt', 'repeat', 'worker', 'epoch', 'running'].map((title) => h('th', {}, title)))),
        h(
          'tbody',
          {},
          runs.map((r) =>
            h(
              'tr',
              { 'data-study': r.study, 'data-trial': r.trial, 'data-worker': r.worker ?? '' },
              h('td', {}, h('a', { href: studyUrl(r.study) }, r.study)),
              h('td', { class: 'num' }, h('a', { href: trialUrl(r.study, r.trial) }, r.trial)),
              h('td', { class: 'num' }, r.attempt),
              h('td', { class: 'num' }, r.repeat),
              h('td', {}, r.worker ?? '(waiting)'),
              h('td', { class: 'num', 'data-field': 'epoch' }, r.epoch),
              h('td', { class: 'num' }, formatSeconds(r.running_ms / 1000)),
            ),
          ),
        ),
      );
      app.replaceChildren(
        h('h1', {}, 'Workers'),
        h('p', { id: 'workers-summary' }, `${workers.length} workers, ${busy}/${threads} threads busy`),
        workers.length > 0 ? workerTable : h('p', { class: 'muted' }, 'no worker connected'),
        h('h2', {}, 'Running trials'),
        runs.length > 0 ? runTable : h('p', { class: 'muted' }, 'none'),
        h('h2', {}, 'Hosted studies'),
        studies.length > 0
          ? h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ['study', 'state', 'progress', 'best'].map((t) => h('th', {}, t)))), h('tbody', {}, studies.map((s) => h('tr', {}, h('td', {}, h('a', { href: studyUrl(s.name) }, s.name)), h('td', {}, s.state), h('td', {}, `${s.counts.COMPLETE + s.counts.PRUNED + s.counts.FAILED}${s.budget ? `/${s.budget}` : ''}`), numberCell(s.best_value)))))
          : h('p', { class: 'muted' }, 'none'),
      );
    });
  }

  switch (body.dataset.page) {
    case 'studies':
      studiesPage();
      break;
    case 'study':
      studyPage(body.dataset.study);
      break;
    case 'trial':
      trialPage(body.dataset.study, Number(body.dataset.trial));
      break;
    case 'workers':
      workersPage();
      break;
    default:
      app.replaceChildren(h('p', { class: 'error' }, 'unknown page'));
  }
})();
