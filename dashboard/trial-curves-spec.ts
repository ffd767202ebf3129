/** The metrics of one epoch of one repeat, as the trial page lists them. */
export interface EpochRow {
  readonly repeat: number;
  readonly epoch: number;
  readonly train_loss: number | null;
  readonly train_accuracy: number | null;
  readonly val_loss: number | null;
  readonly val_accuracy: number | null;
  /** Metrics of a user's own code beyond the others, by name. */
  readonly extra?: Readonly<Record<string, number>>;
}

type Panel = { readonly title: string; readonly metrics: readonly string[] };

const PANELS: readonly Panel[] = [
  { title: 'loss', metrics: ['train_loss', 'val_loss'] },
  { title: 'accuracy', metrics: ['train_accuracy', 'val_accuracy'] },
];

const BUILT_IN: readonly string[] = PANELS.flatMap((panel) => panel.metrics);

/** A metric's value in a row: a built-in column's, else the extra metric's of that name. */
function rowValue(row: EpochRow, metric: string): number | null {
  if (BUILT_IN.includes(metric)) return row[metric as 'train_loss' | 'val_loss' | 'train_accuracy' | 'val_accuracy'];
  return row.extra?.[metric] ?? null;
}

/**
 * A trial's learning curves as a Vega-Lite spec with its data inline: one panel for the losses
 * and one for the accuracies, a line per metric and repeat, the objective's metric solid. Panels
 * with no data (the synthetic task measures no accuracy) are left out. An objective beyond the
 * built-in metrics (a user's own code's `val_f1`) has a panel of its own. Null when nothing is
 * recorded yet.
 */
export function trialCurvesSpec(epochs: readonly EpochRow[], objectiveMetric: string): Record<string, unknown> | null {
  // An objective a user's own code reports (val_f1) gets a panel of its own, after the built-in ones.
  const all = BUILT_IN.includes(objectiveMetric) ? PANELS : [...PANELS, { title: objectiveMetric, metrics: [objectiveMetric] }];
  const panels = all
    .map((panel) => {
      const values = epochs.flatMap((row) =>
        panel.metrics.flatMap((metric) => {
          const value = rowValue(row, metric);
          return value === null || !Number.isFinite(value)
            ? []
            : [
                {
                  epoch: row.epoch,
                  repeat: `repeat ${row.repeat}`,
                  metric,
                  series: `${metric} (repeat ${row.repeat})`,
                  value,
                  objective: metric === objectiveMetric,
                },
              ];
        }),
      );
      return { panel, values };
    })
    .filter(({ values }) => values.length > 0);
  if (panels.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    hconcat: panels.map(({ panel, values }) => ({
      title: panel.title,
      width: 320,
      height: 200,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 }, title: 'epoch' },
        y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: panel.title },
        color: { field: 'metric', type: 'nominal' },
        detail: { field: 'repeat', type: 'nominal' },
        strokeDash: {
          field: 'objective',
          type: 'nominal',
          legend: null,
          scale: {
            domain: [true, false],
            range: [
              [1, 0],
              [4, 3],
            ],
          },
        },
        tooltip: [{ field: 'series' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
      },
    })),
  };
}
