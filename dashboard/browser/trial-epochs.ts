import type { EpochColumn, EpochJson } from '../page-views.js';
import { h } from './element.js';
import { formatSeconds } from './format-values.js';
import { numberCell } from './number-cell.js';

const METRICS = [
  'train_loss',
  'train_accuracy',
  'val_loss',
  'val_accuracy',
  'learning_rate',
  'mutual_information',
] as const satisfies readonly EpochColumn[];

/** A trial's epochs, a row per repeat and epoch, with the metrics some epoch measured. */
export function renderEpochs(element: HTMLElement, { epochs }: { epochs: readonly EpochJson[] }): void {
  if (epochs.length === 0) {
    element.replaceChildren(h('p', { class: 'muted' }, 'no epoch recorded yet'));
    return;
  }
  const metrics = METRICS.filter((m) => epochs.some((e) => e[m] !== null));
  // Metrics of a user's own code, by name: text nodes (h), whatever the name holds.
  const extras = [...new Set(epochs.flatMap((e) => Object.keys(e.extra ?? {})))].sort();
  element.replaceChildren(
    h(
      'table',
      { class: 'grid', id: 'epochs-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'repeat'),
          h('th', {}, 'epoch'),
          metrics.map((m) => h('th', {}, m)),
          extras.map((name) => h('th', { 'data-extra': name }, name)),
          h('th', {}, 'time'),
        ),
      ),
      h(
        'tbody',
        {},
        epochs.map((e) =>
          h(
            'tr',
            { 'data-repeat': e.repeat, 'data-epoch': e.epoch },
            h('td', { class: 'num' }, e.repeat),
            h('td', { class: 'num' }, e.epoch),
            metrics.map((m) => numberCell(e[m])),
            extras.map((name) => numberCell(e.extra?.[name] ?? null)),
            h('td', { class: 'num' }, formatSeconds(e.epoch_seconds)),
          ),
        ),
      ),
    ),
  );
}
