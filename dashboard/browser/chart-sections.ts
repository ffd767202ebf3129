import type { StudyChartsView } from '../page-views.js';
import { drawChart } from './draw-chart.js';
import { h } from './element.js';
import { apiUrl } from './page-urls.js';

/** The ETag of the charts last drawn, kept between calls. */
export interface ChartsEtag {
  value: string | null;
}

/**
 * Draws the study's charts (the report's, /api/studies/NAME/charts) into `element`, one figure
 * per chart id, kept across redraws; unless the server answers that they have not changed (304).
 * `trials` decides between SVG and canvas.
 */
export async function loadCharts(name: string, element: HTMLElement, etag: ChartsEtag, trials: number): Promise<void> {
  try {
    const response = await fetch(apiUrl(`/studies/${encodeURIComponent(name)}/charts`), {
      cache: 'no-store',
      headers: etag.value ? { 'if-none-match': etag.value } : {},
    });
    if (response.status !== 200) return;
    etag.value = response.headers.get('etag');
    const { sections } = (await response.json()) as StudyChartsView;
    const existing = new Map(
      [...element.children].filter((child) => child instanceof HTMLElement).map((child) => [child.dataset.chartId, child]),
    );
    const children: HTMLElement[] = sections.map((section) => {
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
