import type { EpochMetrics } from '../core/metrics.js';
import { VEGA_LITE_SCHEMA } from './chart-format.js';
import type { TrialCurves } from './study-report-data.js';

const SERIES: readonly { field: keyof EpochMetrics; metric: 'accuracy' | 'loss'; split: 'train' | 'validation' }[] = [
  { field: 'valAccuracy', metric: 'accuracy', split: 'validation' },
  { field: 'trainAccuracy', metric: 'accuracy', split: 'train' },
  { field: 'valLoss', metric: 'loss', split: 'validation' },
  { field: 'trainLoss', metric: 'loss', split: 'train' },
];

export interface CurveRow {
  readonly trial: string;
  readonly rank: number;
  readonly epoch: number;
  readonly metric: 'accuracy' | 'loss';
  readonly split: 'train' | 'validation';
  /** Mean over the repeats that reached this epoch. */
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly repeats: number;
}

/**
 * Per trial, epoch and series: the mean over repeats with the lowest and highest repeat, so
 * that several seeds read as one line with its spread. Repeats stopped early count only for
 * the epochs they ran; non-finite values (a diverged run) are left out of the mean.
 */
export function curveRows(top: readonly TrialCurves[]): CurveRow[] {
  const rows: CurveRow[] = [];
  top.forEach(({ trial, epochs }, rank) => {
    const maxEpoch = epochs.reduce((m, e) => Math.max(m, e.epoch), 0);
    for (const series of SERIES) {
      for (let epoch = 1; epoch <= maxEpoch; epoch++) {
        const values = epochs
          .filter((e) => e.epoch === epoch)
          .map((e) => e[series.field])
          .filter((v): v is number => v !== undefined && Number.isFinite(v));
        if (values.length === 0) continue;
        rows.push({
          trial: `trial ${trial.number}`,
          rank: rank + 1,
          epoch,
          metric: series.metric,
          split: series.split,
          mean: values.reduce((a, b) => a + b, 0) / values.length,
          min: Math.min(...values),
          max: Math.max(...values),
          repeats: values.length,
        });
      }
    }
  });
  return rows;
}

export function learningCurvesSpec(rows: readonly CurveRow[], trialCount: number): object {
  const trials = [...new Set(rows.map((r) => r.trial))];
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } };
  const color = { field: 'trial', type: 'nominal', title: 'trial (best first)', sort: trials };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Learning curves',
      subtitle: `the best ${trialCount} trial(s): mean over repeats per epoch (line) with the lowest and highest repeat (band); solid validation, dashed train`,
    },
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['accuracy', 'loss'] } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 340,
      height: 240,
      layer: [
        {
          transform: [{ filter: 'datum.repeats > 1' }],
          mark: { type: 'area', opacity: 0.15 },
          encoding: { x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' }, color, detail: { field: 'split' } },
        },
        {
          mark: { type: 'line', point: { size: 12 } },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative', title: null, scale: { zero: false } },
            color,
            strokeDash: {
              field: 'split',
              type: 'nominal',
              title: null,
              sort: ['validation', 'train'],
              scale: {
                domain: ['validation', 'train'],
                range: [
                  [1, 0],
                  [4, 3],
                ],
              },
            },
            tooltip: [
              { field: 'trial' },
              { field: 'split' },
              { field: 'metric' },
              { field: 'epoch' },
              { field: 'mean', format: '.4f' },
              { field: 'min', format: '.4f' },
              { field: 'max', format: '.4f' },
              { field: 'repeats' },
            ],
          },
        },
      ],
    },
  };
}
