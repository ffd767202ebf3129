import type { EpochMetrics } from '../core/metrics.js';
import { VEGA_LITE_SCHEMA } from './chart-format.js';
import type { TrialCurves } from './study-report-data.js';

type Series = { value: (metrics: EpochMetrics) => number | undefined; metric: string; split: 'train' | 'validation' };

const field =
  (name: 'valAccuracy' | 'trainAccuracy' | 'valLoss' | 'trainLoss') =>
  (metrics: EpochMetrics): number | undefined =>
    metrics[name];

const SERIES: readonly Series[] = [
  { value: field('valAccuracy'), metric: 'accuracy', split: 'validation' },
  { value: field('trainAccuracy'), metric: 'accuracy', split: 'train' },
  { value: field('valLoss'), metric: 'loss', split: 'validation' },
  { value: field('trainLoss'), metric: 'loss', split: 'train' },
];

/** The objective metrics the built-in series already draw. */
const BUILT_IN: readonly string[] = ['val_accuracy', 'train_accuracy', 'val_loss', 'train_loss'];

export interface CurveRow {
  readonly trial: string;
  readonly rank: number;
  readonly epoch: number;
  /** `accuracy`, `loss`, or the name of an objective a user's own code reports (`val_f1`). */
  readonly metric: string;
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
 * the epochs they ran; non-finite values (a diverged run) are left out of the mean. An objective
 * beyond the built-in metrics (an extra metric of a user's own code) is a series of its own.
 */
export function curveRows(top: readonly TrialCurves[], objectiveMetric?: string): CurveRow[] {
  const rows: CurveRow[] = [];
  const extra = objectiveMetric !== undefined && !BUILT_IN.includes(objectiveMetric) ? objectiveMetric : undefined;
  const series: readonly Series[] =
    extra === undefined ? SERIES : [...SERIES, { value: (metrics) => metrics.extra?.[extra], metric: extra, split: 'validation' }];
  top.forEach(({ trial, epochs }, rank) => {
    const maxEpoch = epochs.reduce((m, e) => Math.max(m, e.epoch), 0);
    for (const one of series) {
      for (let epoch = 1; epoch <= maxEpoch; epoch++) {
        const values = epochs
          .filter((e) => e.epoch === epoch)
          .map((e) => one.value(e))
          .filter((v): v is number => v !== undefined && Number.isFinite(v));
        if (values.length === 0) continue;
        rows.push({
          trial: `trial ${trial.number}`,
          rank: rank + 1,
          epoch,
          metric: one.metric,
          split: one.split,
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
    // Column titles are drawn by Vega as text: a metric's name never becomes markup.
    facet: {
      column: { field: 'metric', type: 'nominal', title: null, sort: [...new Set(['accuracy', 'loss', ...rows.map((r) => r.metric)])] },
    },
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
