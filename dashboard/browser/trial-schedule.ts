import type { ScheduleStepJson } from '../page-views.js';
import { h } from './element.js';
import { formatNumber } from './format-values.js';
import { trialUrl } from './page-urls.js';

/**
 * A Population Based Training member's schedule: the epochs each set of parameters trained, and
 * the member whose state it went on from. Nothing for a trial of a study without PBT.
 */
export function renderSchedule(element: HTMLElement, study: string, { schedule }: { schedule: readonly ScheduleStepJson[] }): void {
  if (schedule.length === 0) {
    element.replaceChildren();
    return;
  }
  const names = [...new Set(schedule.flatMap((step) => Object.keys(step.params)))];
  element.replaceChildren(
    h('h2', {}, 'Schedule (Population Based Training)'),
    h(
      'table',
      { class: 'grid', id: 'schedule-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'epochs'),
          names.map((name) => h('th', {}, name)),
          h('th', {}, 'went on from'),
        ),
      ),
      h(
        'tbody',
        {},
        schedule.map((step) =>
          h(
            'tr',
            { 'data-from-epoch': step.from_epoch },
            h('td', { class: 'num' }, `${step.from_epoch}-${step.to_epoch ?? ''}`),
            names.map((name) => h('td', { class: 'num' }, name in step.params ? formatNumber(step.params[name]) : '')),
            h(
              'td',
              {},
              step.parent === null
                ? 'its own state'
                : h('a', { href: trialUrl(study, step.parent) }, `trial ${step.parent}, epoch ${step.from_epoch - 1}`),
            ),
          ),
        ),
      ),
    ),
  );
}
