import type { TrialPageView } from '../page-views.js';
import { h, type Attributes, type Child } from './element.js';
import { formatNumber, formatSeconds, formatTime } from './format-values.js';

/** The trial page's cards: its state, value, epochs, times and worker; then its parameters. */
export function renderTrialSummary(element: HTMLElement, { trial, study }: TrialPageView): void {
  const field = (label: string, value: Child, attrs?: Attributes): HTMLTableRowElement =>
    h('tr', {}, h('th', {}, label), h('td', attrs || {}, value));
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
          field(study.metric, `${formatNumber(trial.value)}${trial.value_std !== null ? ` ± ${formatNumber(trial.value_std)}` : ''}`, {
            'data-field': 'value',
            'data-value': trial.value ?? '',
          }),
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
      h(
        'table',
        { class: 'kv card' },
        h(
          'tbody',
          {},
          Object.entries(trial.params).map(([key, value]) => field(key, formatNumber(value))),
        ),
      ),
    ),
  );
}
