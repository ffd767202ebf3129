import type { TrialPageView } from '../page-views.js';
import { h } from './element.js';

/**
 * The end of each repeat's output (a command: task's), as `sweeper logs` prints it: in a <pre>
 * as a text node, so nothing a run printed becomes markup. Nothing when no log is kept (the
 * built-in training's runs keep none). The server bounds each log (WIRE_LOG_LIMIT).
 */
export function renderLogs(element: HTMLElement, { logs }: Pick<TrialPageView, 'logs'>): void {
  if (logs.length === 0) {
    element.replaceChildren();
    return;
  }
  element.replaceChildren(
    h('h2', {}, 'Output'),
    ...logs.flatMap(({ repeat, log }) => [
      h('h3', {}, `Repeat ${repeat}: the end of its output`),
      h('pre', { class: 'log', 'data-repeat': repeat }, log),
    ]),
  );
}
