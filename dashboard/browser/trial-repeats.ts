import type { RepeatJson, TestJson } from '../page-views.js';
import { h } from './element.js';
import { formatSeconds } from './format-values.js';
import { numberCell } from './number-cell.js';

const HEAD = ['repeat', 'seed', 'value', 'epochs', 'best epoch', 'train time', 'test epoch', 'test loss', 'test accuracy'];

/** A trial's repeats and their test evaluations, with a confusion matrix for each tested repeat. */
export function renderRepeats(element: HTMLElement, { repeats }: { repeats: readonly RepeatJson[] }): void {
  if (repeats.length === 0) {
    element.replaceChildren(h('p', { class: 'muted' }, 'no repeat has finished yet'));
    return;
  }
  const children: HTMLElement[] = [
    h(
      'table',
      { class: 'grid', id: 'repeats-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          HEAD.map((title) => h('th', {}, title)),
        ),
      ),
      h(
        'tbody',
        {},
        repeats.map((r) =>
          h(
            'tr',
            { 'data-repeat': r.repeat },
            h('td', { class: 'num' }, r.repeat),
            h('td', { class: 'num' }, r.seed),
            numberCell(r.value),
            numberCell(r.epochs),
            numberCell(r.best_epoch),
            h('td', { class: 'num' }, formatSeconds(r.train_seconds)),
            numberCell(r.test ? r.test.epoch : null),
            numberCell(r.test ? r.test.loss : null),
            numberCell(r.test ? r.test.accuracy : null, { 'data-field': 'test-accuracy' }),
          ),
        ),
      ),
    ),
  ];
  for (const r of repeats) {
    if (r.test?.confusion) children.push(...confusionMatrix(r.repeat, r.test.confusion, r.test));
  }
  element.replaceChildren(...children);
}

function confusionMatrix(repeat: number, confusion: readonly (readonly number[])[], test: TestJson): HTMLElement[] {
  const classes = confusion.length;
  return [
    h('h3', {}, `Confusion matrix, repeat ${repeat} (rows: actual, columns: predicted)`),
    h(
      'table',
      { class: 'grid confusion' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, ''),
          Array.from({ length: classes }, (_, i) => h('th', {}, i)),
        ),
      ),
      h(
        'tbody',
        {},
        confusion.map((row, actual) =>
          h(
            'tr',
            {},
            h('th', { 'data-class': actual }, classLabel(test.classes[actual], actual)),
            row.map((count, predicted) => h('td', { class: `num${actual === predicted ? ' diagonal' : ''}` }, count)),
          ),
        ),
      ),
    ),
  ];
}

/** "6 Shirt" where the dataset names its classes, "6" where the number is the name. */
function classLabel(scores: { name: string } | undefined, number: number): string {
  return scores && scores.name !== String(number) ? `${number} ${scores.name}` : String(number);
}
