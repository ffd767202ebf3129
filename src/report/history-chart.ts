import type { TrialRecord } from '../store/records.js';
import { isBetter, type Direction } from '../core/direction.js';
import { VEGA_LITE_SCHEMA, finiteValue } from './chart-format.js';

export interface HistoryRow {
  readonly trial: number;
  readonly state: string;
  /** The store's value, or null for a trial without a finite one (failed, diverged). */
  readonly value: number | null;
  /** Best value of the COMPLETE trials numbered up to this one; null before the first. */
  readonly best: number | null;
  readonly reason?: string;
}

const STATE_COLOURS = {
  COMPLETE: '#4c78a8',
  PRUNED: '#f58518',
  FAILED: '#e45756',
  'best so far': '#222222',
} as const;

/**
 * One row per finished trial, by number. The best so far runs over COMPLETE trials only, as
 * `sweeper best` ranks them: a pruned trial's value is an intermediate one.
 */
export function historyRows(trials: readonly TrialRecord[], direction: Direction): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let best: number | null = null;
  for (const trial of trials) {
    if (trial.state !== 'COMPLETE' && trial.state !== 'PRUNED' && trial.state !== 'FAILED') continue;
    const value = finiteValue(trial);
    if (trial.state === 'COMPLETE' && value !== null) {
      if (best === null || isBetter(value, best, direction)) best = value;
    }
    rows.push({
      trial: trial.number,
      state: trial.state,
      value,
      best,
      ...(trial.reason !== undefined ? { reason: trial.reason.length > 160 ? `${trial.reason.slice(0, 157)}...` : trial.reason } : {}),
    });
  }
  return rows;
}

export function historySpec(rows: readonly HistoryRow[], metric: string, direction: Direction, unfinished: number): object {
  const withoutValue = rows.filter((r) => r.value === null).length;
  const subtitle = [
    `each finished trial's ${metric} and the best so far (${direction}, over COMPLETE trials)`,
    withoutValue > 0 ? `${withoutValue} trial(s) without a value (failed, diverged) marked in the strip below` : '',
    unfinished > 0 ? `${unfinished} queued or running trial(s) not shown` : '',
  ].filter((s) => s !== '');
  const x = { field: 'trial', type: 'quantitative', title: 'trial number', axis: { tickMinStep: 1, format: 'd' } };
  const color = {
    field: 'state',
    type: 'nominal',
    title: null,
    scale: { domain: Object.keys(STATE_COLOURS), range: Object.values(STATE_COLOURS) },
  };
  const dense = rows.length > 2000;
  const tooltip = [
    { field: 'trial' },
    { field: 'state' },
    { field: 'value', format: '.5~g' },
    { field: 'best', title: 'best so far', format: '.5~g' },
  ];
  const chart = {
    width: 720,
    height: 300,
    layer: [
      {
        transform: [{ filter: 'datum.value !== null' }],
        mark: { type: 'point', filled: true, opacity: dense ? 0.4 : 0.7, size: dense ? 10 : 30 },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } }, color, tooltip },
      },
      {
        transform: [{ filter: 'datum.best !== null' }],
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: { x, y: { field: 'best', type: 'quantitative' }, color: { datum: 'best so far' } },
      },
    ],
  };
  // Trials without a value get a strip of their own under the plot: drawn across it, a few
  // hundred failures would hide every point.
  const strip = {
    width: 720,
    height: 28,
    transform: [{ filter: 'datum.value === null' }],
    mark: { type: 'tick', orient: 'vertical', opacity: 0.6, thickness: 1 },
    encoding: {
      x,
      y: { datum: 'no value', type: 'nominal', title: null },
      color,
      tooltip: [{ field: 'trial' }, { field: 'state' }, { field: 'reason' }],
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Optimisation history', subtitle },
    data: { values: rows },
    vconcat: withoutValue > 0 ? [chart, strip] : [chart],
    resolve: { scale: { x: 'shared', color: 'shared' } },
  };
}
