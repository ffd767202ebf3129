import type { StudyPageView } from '../page-views.js';
import { h } from './element.js';
import { formatNumber } from './format-values.js';
import { trialUrl } from './page-urls.js';
import { progressBar } from './progress-bar.js';
import { STATES, stateCount } from './trial-states.js';

/** The study page's cards: objective, progress, best trial so far, trials per state; then the best parameters. */
export function renderStudySummary(element: HTMLElement, { study, best }: StudyPageView): void {
  const c = study.counts;
  const running = stateCount(c, 'RUNNING') > 0 || (study.budget !== null && study.finished < study.budget);
  element.replaceChildren(
    h(
      'div',
      { class: 'cards' },
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'label' }, 'objective'),
        h('div', { class: 'big' }, `${study.direction} ${study.metric}`),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'label' }, 'progress'),
        progressBar(study),
        h('div', { class: 'muted', 'data-field': 'state' }, running ? 'running' : 'finished'),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'label' }, 'best so far'),
        h('div', { class: 'big', 'data-field': 'best-value', 'data-value': best ? best.value : '' }, best ? formatNumber(best.value) : '–'),
        best
          ? h(
              'div',
              {},
              h('a', { href: trialUrl(study.name, best.number), 'data-field': 'best-trial' }, `trial ${best.number}`),
              best.value_std !== null ? ` ± ${formatNumber(best.value_std)}` : '',
            )
          : null,
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'label' }, 'trials'),
        h(
          'table',
          { class: 'counts' },
          h(
            'tbody',
            {},
            STATES.map((state) => h('tr', {}, h('th', {}, state.toLowerCase()), h('td', { class: 'num', 'data-count': state }, c[state]))),
          ),
        ),
      ),
    ),
    // Nothing until a first trial completes (the untyped script passed null, which replaceChildren showed as "null").
    best
      ? h(
          'p',
          { class: 'params' },
          'best parameters: ',
          Object.entries(best.params).map(([key, value]) => h('code', {}, `${key}=${formatNumber(value)}`)),
        )
      : '',
  );
}
