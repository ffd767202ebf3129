import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkUserReport, MAX_METRICS_PER_REPORT } from '../../src/user-code/user-report.js';

/** The problem a report gets, or a failure if it is accepted. */
function problem(epoch: unknown, metrics: Record<string, unknown>, last = 0, max?: number): string {
  const checked = checkUserReport(epoch, metrics, last, max);
  assert.ok('problem' in checked, `expected a problem for ${JSON.stringify({ epoch, metrics })}`);
  return checked.problem;
}

describe("a user's epoch report", () => {
  test('maps built-in names to their fields and keeps the others as extras', () => {
    const checked = checkUserReport(
      1,
      { val_accuracy: 0.9, val_loss: 0.3, train_loss: 0.4, learning_rate: 0.01, f1: 0.8, perplexity: 12 },
      0,
      5,
    );
    assert.deepEqual(checked, {
      report: {
        epoch: 1,
        metrics: { valAccuracy: 0.9, valLoss: 0.3, trainLoss: 0.4, learningRate: 0.01, extra: { f1: 0.8, perplexity: 12 } },
      },
    });
    assert.deepEqual(
      checkUserReport(3, { val_loss: 1 }, 2, undefined),
      { report: { epoch: 3, metrics: { valLoss: 1 } } },
      'no extra key when none',
    );
  });

  test('epochs count 1, 2, 3 without gaps, repeats or going back, up to the task epochs', () => {
    assert.equal(problem(2, { val_loss: 1 }, 2), 'epoch 2 was reported twice');
    assert.equal(problem(1, { val_loss: 1 }, 2), 'epoch 1 was reported after epoch 2 (backwards)');
    assert.equal(problem(4, { val_loss: 1 }, 2), 'epoch 4 was reported after epoch 2: epochs count 1, 2, 3 without gaps');
    assert.equal(problem(6, { val_loss: 1 }, 5, 5), "epoch 6 is beyond the task's 5 epochs");
    assert.equal(problem(0, { val_loss: 1 }), 'epoch must be a whole number from 1, but got 0');
    assert.equal(problem(1.5, { val_loss: 1 }), 'epoch must be a whole number from 1, but got 1.5');
    assert.equal(
      problem(undefined, { val_loss: 1 }),
      'epoch is required in every report line (a whole number from 1), but the line has none',
    );
    assert.equal(problem('1', { val_loss: 1 }), 'epoch must be a whole number from 1, but got "1"');
  });

  test('values must be finite numbers in their range, under metric names', () => {
    assert.equal(problem(3, { val_loss: Number.NaN }, 2), 'val_loss is NaN at epoch 3');
    assert.equal(problem(1, { f1: Number.POSITIVE_INFINITY }), 'f1 is Infinity at epoch 1');
    assert.equal(problem(1, { val_accuracy: 91 }), 'val_accuracy must be a fraction in [0, 1], but got 91 at epoch 1');
    assert.equal(problem(1, { train_loss: -1 }), 'train_loss must be >= 0, but got -1 at epoch 1');
    assert.equal(problem(1, { val_loss: '0.3' }), 'val_loss must be a number, but got "0.3"');
    assert.equal(
      problem(1, { 'Val Loss': 1 }),
      '"Val Loss" is not a metric name (lower-case letters, digits and underscores, from a letter)',
    );
    assert.equal(problem(1, {}), 'epoch 1 has no metric');
    const many = Object.fromEntries(Array.from({ length: MAX_METRICS_PER_REPORT + 1 }, (_, i) => [`m${i}`, i]));
    assert.equal(problem(1, many), `epoch 1 has ${MAX_METRICS_PER_REPORT + 1} metrics, more than ${MAX_METRICS_PER_REPORT}`);
    assert.match(
      problem(1, { val_loss: 'x'.repeat(1000) }),
      /^val_loss must be a number, but got "x+\.\.\.$/,
      'values are cut short in messages',
    );
  });
});
