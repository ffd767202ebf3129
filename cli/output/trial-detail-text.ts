import Table from 'cli-table3';
import { classLabel, studyClassNames } from '../../src/datasets/class-names.js';
import type { EpochRecord, RepeatResult, TrialRecord, StudyRecord } from '../../src/store/records.js';
import type { TestEvaluation } from '../../src/core/run-report.js';
import { metricValue } from '../../src/core/objective.js';
import { classificationReport } from '../../src/training/classification-report.js';
import { formatObjective, formatParam, formatSeconds } from './format-values.js';
import { EPOCH_COLUMNS, epochJson, extraNames, type EpochColumn } from '../../src/views/trial-detail-json.js';
import asciichart from 'asciichart';
import type { TextColumn } from './text-column.js';
import type { ScheduleStep } from '../../src/store/segments.js';
import { textTable } from './text-table.js';

const TABLE_STYLE = { head: [], border: [], compact: true };

/** `sweeper show` for a terminal: the trial, its result, repeats, curves and test evaluations; the repeats and epochs tables fit `width`. */
export function trialDetailText(
  study: StudyRecord,
  trial: TrialRecord,
  repeats: readonly RepeatResult[],
  epochs: readonly EpochRecord[],
  options: { width?: number; logRepeats?: readonly number[]; schedule?: readonly ScheduleStep[] } = {},
): string {
  const { metric } = study.definition.objective;
  const sections = [header(study, trial), parameters(study, trial), result(trial, metric)];
  if (options.schedule && options.schedule.length > 0) sections.push(scheduleText(study, options.schedule));
  if (repeats.length > 0) sections.push(repeatsTable(repeats, metric, options.width));
  if (epochs.length > 0) sections.push(epochsTable(epochs, metric, options.width), curves(epochs, metric));
  const names = studyClassNames(study.definition);
  for (const repeat of repeats) if (repeat.test) sections.push(testEvaluation(repeat.repeat, repeat.test, repeats.length > 1, names));
  const logs = options.logRepeats ?? [];
  if (logs.length > 0)
    sections.push(
      `the end of the output of repeat${logs.length > 1 ? 's' : ''} ${logs.join(', ')} is kept: sweeper logs ${study.name} ${trial.number}`,
    );
  return `${sections.join('\n\n')}\n`;
}

function header(study: StudyRecord, trial: TrialRecord): string {
  const lines = [`trial ${trial.number} of study ${study.name}: ${trial.state}`];
  const times = [
    `queued ${trial.queuedAt}`,
    ...(trial.startedAt ? [`started ${trial.startedAt}`] : []),
    ...(trial.finishedAt ? [`finished ${trial.finishedAt}`] : []),
  ];
  const took =
    trial.startedAt && trial.finishedAt ? ` (${formatSeconds((Date.parse(trial.finishedAt) - Date.parse(trial.startedAt)) / 1000)})` : '';
  lines.push(`attempt ${trial.attempt}${trial.worker ? ` on worker ${trial.worker}` : ''}; ${times.join(', ')}${took}`);
  if (trial.reason) lines.push(`reason: ${trial.reason}`);
  return lines.join('\n');
}

function parameters(study: StudyRecord, trial: TrialRecord): string {
  const order = [...Object.keys(study.definition.space), ...Object.keys(trial.params)].filter(
    (name, index, all) => all.indexOf(name) === index && name in trial.params,
  );
  if (order.length === 0) return 'parameters: none';
  const width = Math.max(...order.map((name) => name.length));
  return ['parameters:', ...order.map((name) => `  ${name.padEnd(width)}  ${formatParam(trial.params[name])}`)].join('\n');
}

/** A PBT member's schedule: which epochs trained with which parameters, and whose state each went on from. */
function scheduleText(study: StudyRecord, schedule: readonly ScheduleStep[]): string {
  const names = Object.keys(study.definition.space);
  const lines = schedule.map((step) => {
    const epochs = step.toEpoch === undefined ? `${step.fromEpoch}-` : `${step.fromEpoch}-${step.toEpoch}`;
    const params = names.filter((name) => name in step.params).map((name) => `${name} ${formatParam(step.params[name])}`);
    const from = step.parent === undefined ? '' : `  (from trial ${step.parent} after epoch ${step.fromEpoch - 1})`;
    return `  epochs ${epochs.padEnd(7)} ${params.join(', ')}${from}`;
  });
  return ['schedule (Population Based Training):', ...lines].join('\n');
}

function result(trial: TrialRecord, metric: string): string {
  const r = trial.result;
  if (!r) return 'result: none';
  const parts = [
    `${metric} ${formatObjective(r)}${r.repeats > 1 ? ` (mean ± std over ${r.repeats} repeats)` : ''}`,
    `best epoch ${r.bestEpoch} of ${r.epochs}`,
    `train time ${formatSeconds(r.trainSeconds)}${r.repeats > 1 ? ' per repeat' : ''}`,
    ...(r.testAccuracy !== undefined ? [`test accuracy ${r.testAccuracy.toFixed(4)}`] : []),
  ];
  return `result: ${parts.join('; ')}`;
}

function repeatsTable(repeats: readonly RepeatResult[], metric: string, width: number | undefined): string {
  const tested = repeats.some((r) => r.test);
  const column = (key: string, cell: (r: RepeatResult) => string, priority: number, keep = false): TextColumn => ({
    key,
    header: key.replace(/^(best|train|test)_/, '$1 '),
    cells: repeats.map(cell),
    priority,
    keep,
  });
  const columns = [
    column('repeat', (r) => String(r.repeat), 0, true),
    column('seed', (r) => String(r.seed), 0),
    column(metric, (r) => (Number.isFinite(r.value) ? r.value.toFixed(4) : '-'), 0, true),
    column('epochs', (r) => String(r.epochs), 1),
    column('best_epoch', (r) => String(r.bestEpoch), 1),
    column('train_time', (r) => formatSeconds(r.trainSeconds), 2),
    ...(tested
      ? [
          column('test_accuracy', (r) => (r.test ? r.test.accuracy.toFixed(4) : '-'), 3),
          column('test_loss', (r) => (r.test ? formatMetric(r.test.loss) : '-'), 2),
        ]
      : []),
  ];
  return `repeats:\n${textTable(columns, { ...(width !== undefined && { width }), hint: SHOW_HINT })}`;
}

function epochsTable(epochs: readonly EpochRecord[], metric: string, width: number | undefined): string {
  const rows = epochs.map(epochJson);
  const measured = EPOCH_COLUMNS.filter((column) => rows.some((row) => row[column] !== null));
  const columns: TextColumn[] = [
    { key: 'repeat', header: 'repeat', cells: rows.map((row) => String(row.repeat)), keep: true, priority: 0 },
    { key: 'epoch', header: 'epoch', cells: rows.map((row) => String(row.epoch)), keep: true, priority: 0 },
    ...measured.map((name): TextColumn => ({
      key: name,
      header: name,
      cells: rows.map((row) => formatColumn(name, row[name])),
      keep: name === metric,
      priority: EPOCH_PRIORITY[name],
    })),
    // Metrics a user's own code reports beyond the built-in ones, by name (printOut shows any control character).
    ...extraNames(epochs).map((name): TextColumn => ({
      key: `extra:${name}`,
      header: name,
      cells: rows.map((row) => (row.extra[name] === undefined ? '-' : formatMetric(row.extra[name]))),
      keep: name === metric,
      priority: 2,
    })),
  ];
  return `epochs:\n${textTable(columns, { ...(width !== undefined && { width }), hint: SHOW_HINT })}`;
}

/** Which metrics of the epochs table go first when the terminal is narrow (the objective's stays). */
const EPOCH_PRIORITY: Record<EpochColumn, number> = {
  epoch_seconds: 0,
  mutual_information: 1,
  learning_rate: 1,
  train_loss: 2,
  train_accuracy: 2,
  val_loss: 3,
  val_accuracy: 3,
};
const SHOW_HINT = 'all of them in show --json';

/** Rows of the terminal chart: enough to read a trend, few enough to keep the page short. */
const CHART_HEIGHT = 8;

/**
 * The objective metric by epoch as a terminal chart (asciichart): the one repeat's curve, or with
 * several the mean over the repeats that reached each epoch (plain text has no colours to tell
 * lines apart; the epochs table above has every repeat).
 */
function curves(epochs: readonly EpochRecord[], metric: string): string {
  const byEpoch = new Map<number, number[]>();
  const repeats = new Set<number>();
  for (const epoch of epochs) {
    const value = metricValue(epoch, metric);
    if (value === undefined || !Number.isFinite(value)) continue;
    repeats.add(epoch.repeat);
    byEpoch.set(epoch.epoch, [...(byEpoch.get(epoch.epoch) ?? []), value]);
  }
  // Epochs are recorded in order from 1, so the measured ones are a prefix; asciichart cannot draw gaps.
  const series: number[] = [];
  for (let epoch = 1; byEpoch.has(epoch); epoch++) {
    const values = byEpoch.get(epoch) ?? [];
    series.push(values.reduce((sum, v) => sum + v, 0) / values.length);
  }
  if (series.length === 0) return `${metric} by epoch: not measured`;
  const what = repeats.size > 1 ? `mean over ${repeats.size} repeats` : 'one repeat';
  const title = `${metric} by epoch 1..${series.length} (${what}), from ${formatMetric(series[0])} to ${formatMetric(series.at(-1))}:`;
  // asciichart labels a flat series (one epoch, say) with values it does not have: draw its one level.
  if (Math.min(...series) === Math.max(...series))
    return `${title}\n${formatMetric(series[0]).padStart(9)} ┼${'─'.repeat(series.length - 1)}`;
  return `${title}\n${asciichart.plot(series, { height: CHART_HEIGHT, format: (value: number) => formatMetric(value).padStart(9) })}`;
}

function testEvaluation(repeat: number, test: TestEvaluation, several: boolean, names: readonly string[] | undefined): string {
  const heading = `test evaluation${several ? ` of repeat ${repeat}` : ''} (weights of epoch ${test.epoch}): accuracy ${test.accuracy.toFixed(4)}, loss ${formatMetric(test.loss)}`;
  // A user's own program reports accuracy and loss only.
  if (test.confusion === undefined) return heading;
  const report = classificationReport(test.confusion);
  // Columns by number (a table of 47 named columns would not fit a terminal); rows by number and name.
  const classes = test.confusion.map((_, k) => String(k));
  const confusion = new Table({ head: ['actual \\ predicted', ...classes], style: TABLE_STYLE });
  test.confusion.forEach((row, k) => confusion.push([classLabel(k, names), ...row.map(String)]));
  const scores = new Table({ head: ['class', 'precision', 'recall', 'f1', 'support'], style: TABLE_STYLE });
  report.classes.forEach((c, k) =>
    scores.push([classLabel(k, names), c.precision.toFixed(4), c.recall.toFixed(4), c.f1.toFixed(4), String(c.support)]),
  );
  scores.push([
    'macro avg',
    report.macro.precision.toFixed(4),
    report.macro.recall.toFixed(4),
    report.macro.f1.toFixed(4),
    String(report.classes.reduce((sum, c) => sum + c.support, 0)),
  ]);
  return [
    heading,
    'confusion matrix (rows: actual class, columns: predicted class):',
    confusion.toString(),
    'per class:',
    scores.toString(),
  ].join('\n');
}

function formatColumn(column: EpochColumn, value: number | null): string {
  if (value === null) return '-';
  // Epochs of small models take a fraction of a second: keep two decimals there.
  if (column === 'epoch_seconds') return value < 10 ? `${value.toFixed(2)}s` : formatSeconds(value);
  if (column === 'learning_rate') return formatParam(value);
  return formatMetric(value);
}

function formatMetric(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(4);
}
