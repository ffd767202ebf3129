import { classLabel } from '../datasets/class-names.js';
import type { RepeatResult } from '../store/records.js';
import { classificationReport } from '../training/classification-report.js';
import { VEGA_LITE_SCHEMA } from './chart-format.js';

/** Above this many classes the cells carry no printed count (EMNIST balanced has 47): the colour and tooltip still do. */
const MAX_LABELLED_CLASSES = 20;

export interface BestConfusion {
  /** confusion[actual][predicted], summed over the repeats evaluated on the test set. */
  readonly confusion: number[][];
  readonly repeats: number;
}

/**
 * The best trial's test confusion: with one repeat, exactly the stored matrix; with several, the
 * sum of theirs (every test example of every seed's model counted once), so the per-class scores
 * pool all repeats. Undefined when no repeat was evaluated on a test set.
 */
export function bestConfusion(repeats: readonly RepeatResult[]): BestConfusion | undefined {
  // A user's own program may report a test evaluation without a confusion matrix: not counted here.
  const tested = repeats.filter((r) => r.test?.confusion !== undefined && r.test.confusion.length > 0);
  const first = tested[0]?.test?.confusion;
  if (!first) return undefined;
  const n = first.length;
  const sum = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const repeat of tested) {
    repeat.test?.confusion?.forEach((row, actual) =>
      row.forEach((count, predicted) => {
        const target = sum[actual];
        if (target && predicted < n) target[predicted] = (target[predicted] ?? 0) + count;
      }),
    );
  }
  return { confusion: sum, repeats: tested.length };
}

function repeatsNote(trialNumber: number, repeats: number): string {
  return `best trial ${trialNumber}, test set${repeats > 1 ? `, summed over ${repeats} repeats` : ''}`;
}

/**
 * The matrix as a heat map. Rows carry the class's name where the dataset has names ("6 Shirt");
 * columns only its number, which the row of the same number names (names would not fit across).
 */
export function confusionSpec(best: BestConfusion, trialNumber: number, classNames?: readonly string[]): object {
  const n = best.confusion.length;
  const labels = best.confusion.map((_, k) => classLabel(k, classNames));
  const rows = best.confusion.flatMap((row, actual) => {
    const support = row.reduce((a, b) => a + b, 0);
    return row.map((count, predicted) => ({
      actual: labels[actual],
      predicted,
      predicted_class: labels[predicted],
      count,
      share: support > 0 ? count / support : 0,
    }));
  });
  const x = { field: 'predicted', type: 'ordinal', title: 'predicted class', axis: { labelAngle: 0 } };
  const y = { field: 'actual', type: 'ordinal', title: 'actual class', sort: labels };
  const cell = Math.max(12, Math.min(36, Math.floor(520 / n)));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Confusion matrix', subtitle: `${repeatsNote(trialNumber, best.repeats)}; colour: share of the actual class` },
    data: { values: rows },
    width: { step: cell },
    height: { step: cell },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: { field: 'share', type: 'quantitative', title: 'share of row', scale: { scheme: 'blues', domain: [0, 1] } },
          tooltip: [
            { field: 'actual' },
            { field: 'predicted_class', title: 'predicted' },
            { field: 'count' },
            { field: 'share', format: '.1%' },
          ],
        },
      },
      ...(n <= MAX_LABELLED_CLASSES
        ? [
            {
              mark: { type: 'text', fontSize: 10 },
              encoding: {
                x,
                y,
                text: { field: 'count', type: 'quantitative' },
                color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
  };
}

/** Precision, recall and F1 per class and their macro average, as reference report 002 tabulates them. */
export function classScoresSpec(best: BestConfusion, trialNumber: number, classNames?: readonly string[]): object {
  const report = classificationReport(best.confusion);
  const rows: object[] = [];
  const add = (label: string, scores: { precision: number; recall: number; f1: number }): void => {
    rows.push({ class: label, score: 'precision', value: scores.precision });
    rows.push({ class: label, score: 'recall', value: scores.recall });
    rows.push({ class: label, score: 'F1', value: scores.f1 });
  };
  const labels = report.classes.map((scores, k) => `${classLabel(k, classNames)} (n=${scores.support})`);
  report.classes.forEach((scores, k) => add(labels[k] as string, scores));
  add('macro avg', report.macro);
  const classes = [...labels, 'macro avg'];
  const x = { field: 'score', type: 'nominal', title: null, sort: ['precision', 'recall', 'F1'], axis: { orient: 'top', labelAngle: 0 } };
  const y = { field: 'class', type: 'nominal', title: null, sort: classes };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Per-class scores', subtitle: `${repeatsNote(trialNumber, best.repeats)}; accuracy ${report.accuracy.toFixed(4)}` },
    data: { values: rows },
    width: { step: 70 },
    height: { step: 18 },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: { field: 'value', type: 'quantitative', title: 'score', scale: { scheme: 'greens', domain: [0, 1] }, legend: null },
        },
      },
      { mark: { type: 'text', fontSize: 11 }, encoding: { x, y, text: { field: 'value', type: 'quantitative', format: '.3f' } } },
    ],
  };
}
