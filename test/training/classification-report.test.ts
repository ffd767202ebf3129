import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classificationReport } from '../../src/training/classification-report.js';

/** Equal within floating-point rounding. */
function near(actual: number, expected: number, label: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${label}: ${actual} vs ${expected}`);
}

describe('per-class precision, recall and F1 from a confusion matrix', () => {
  test('matches scikit-learn on a worked example', () => {
    // y_true = [0,0,0,1,1,1,1,2,2,2], y_pred = [0,0,1,1,1,1,2,2,0,2]: rows actual, columns predicted.
    // sklearn.metrics.classification_report gives precision 0.667 0.750 0.667, recall 0.667 0.750 0.667.
    const report = classificationReport([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 2],
    ]);
    near(report.accuracy, 0.7, 'accuracy');
    const expected = [
      { precision: 2 / 3, recall: 2 / 3, support: 3 },
      { precision: 3 / 4, recall: 3 / 4, support: 4 },
      { precision: 2 / 3, recall: 2 / 3, support: 3 },
    ];
    expected.forEach((want, k) => {
      const got = report.classes[k] ?? assert.fail(`class ${k}`);
      near(got.precision, want.precision, `precision ${k}`);
      near(got.recall, want.recall, `recall ${k}`);
      near(got.f1, (2 * want.precision * want.recall) / (want.precision + want.recall), `f1 ${k}`);
      assert.equal(got.support, want.support);
    });
    near(report.macro.precision, (2 / 3 + 3 / 4 + 2 / 3) / 3, 'macro precision');
  });

  test('a class never predicted has precision 0, one never present recall 0, and nothing is NaN', () => {
    const report = classificationReport([
      [3, 0, 1],
      [2, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(report.classes[1], { precision: 0, recall: 0, f1: 0, support: 2 });
    assert.equal(report.classes[2]?.recall, 0);
    assert.equal(report.classes[2]?.precision, 0);
    for (const value of [report.accuracy, report.macro.precision, report.macro.recall, report.macro.f1]) assert.ok(Number.isFinite(value));
  });
});
