import { h } from './element.js';

/** Above this many points a chart is drawn on a canvas: 100,000 points take 8 s to draw as SVG, 3 s on a canvas. */
const SVG_MAX_POINTS = 5000;

type Renderer = 'svg' | 'canvas';

declare global {
  interface Window {
    /**
     * vega-embed, as far as the dashboard calls it: a global set by the classic script
     * /assets/charts.js, which the study and trial pages load before this one (page-shell.ts).
     */
    vegaEmbed?: (element: HTMLElement, spec: object, options: { actions: boolean; renderer: Renderer }) => Promise<unknown>;
  }
}

/**
 * Draws a Vega-Lite spec into `element`, or says why it cannot. SVG (crisp, one element per
 * mark) unless the study is large.
 */
export function drawChart(element: HTMLElement, spec: object, points = 0): void {
  const embed = window.vegaEmbed;
  if (typeof embed !== 'function') {
    element.replaceChildren(h('p', { class: 'muted' }, 'charts are not available (the chart libraries did not load)'));
    return;
  }
  const renderer: Renderer = points > SVG_MAX_POINTS ? 'canvas' : 'svg';
  element.dataset.renderer = renderer;
  embed(element, spec, { actions: false, renderer }).catch((error: Error) => {
    element.replaceChildren(h('p', { class: 'error' }, `chart failed: ${error.message}`));
  });
}
