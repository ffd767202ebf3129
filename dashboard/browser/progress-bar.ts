import type { StudyView, TrialState } from '../page-views.js';
import { h } from './element.js';
import { stateCount } from './trial-states.js';

/** A study's finished, pruned, failed and running trials as one bar, over its budget when it has one. */
export function progressBar(study: StudyView): HTMLDivElement {
  const budget = study.budget;
  const count = (state: TrialState): number => stateCount(study.counts, state);
  const total = budget || Math.max(1, study.finished + count('RUNNING') + count('QUEUED'));
  const segment = (state: TrialState): HTMLSpanElement =>
    h('span', { class: `seg ${state.toLowerCase()}`, style: `width:${(100 * count(state)) / total}%` });
  return h(
    'div',
    { class: 'progress', title: `${study.finished} finished${budget ? ` of ${budget}` : ''}` },
    h('div', { class: 'bar' }, segment('COMPLETE'), segment('PRUNED'), segment('FAILED'), segment('RUNNING')),
    h('span', { class: 'progress-text', 'data-field': 'progress' }, budget ? `${study.finished}/${budget}` : String(study.finished)),
  );
}
