import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EarlyStopping } from '../../src/pruners/early-stopping.js';

/** The first epoch at which early stopping fires when asked after every epoch; undefined if never. */
function stopsAt(rule: EarlyStopping, values: readonly number[], direction: 'maximize' | 'minimize' = 'maximize'): number | undefined {
  for (let epoch = 1; epoch <= values.length; epoch++) {
    if (rule.decide(values.slice(0, epoch), direction).stop) return epoch;
  }
  return undefined;
}

describe('EarlyStopping', () => {
  test('stops after `patience` epochs without improvement; equal is not better', () => {
    const rule = new EarlyStopping({ patience: 2, minDelta: 0 });
    assert.equal(stopsAt(rule, [0.5, 0.6, 0.6, 0.6, 0.9]), 4);
    assert.equal(stopsAt(rule, [0.5, 0.6, 0.55, 0.7, 0.65, 0.8]), undefined, 'each improvement resets the wait');
    assert.deepEqual(rule.decide([0.5, 0.6, 0.6, 0.6], 'maximize'), {
      stop: true,
      bestEpoch: 2,
      reason: 'value has not improved for 2 epochs (best 0.6 at epoch 2)',
    });
  });

  test('minimize', () => {
    const rule = new EarlyStopping({ patience: 1, minDelta: 0 });
    assert.equal(stopsAt(rule, [1, 0.8, 0.7, 0.75], 'minimize'), 4);
    assert.equal(stopsAt(rule, [1, 0.8, 0.7, 0.75], 'maximize'), 2);
  });

  test('an improvement must exceed min_delta over the last epoch that improved', () => {
    const rule = new EarlyStopping({ patience: 2, minDelta: 0.05 }, 'val_accuracy');
    assert.equal(stopsAt(rule, [0.5, 0.54, 0.54]), 3);
    // Keras compares with the last epoch that improved (0.5), not with the best value (0.54):
    // 0.58 beats 0.5 by more than 0.05, so it counts.
    assert.equal(stopsAt(rule, [0.5, 0.54, 0.58]), undefined);
    assert.deepEqual(rule.decide([0.5, 0.54, 0.545], 'maximize'), {
      stop: true,
      bestEpoch: 1,
      reason: 'val_accuracy has not improved by more than 0.05 for 2 epochs (best 0.5 at epoch 1)',
    });
    const minimizing = new EarlyStopping({ patience: 1, minDelta: 0.1 });
    assert.equal(stopsAt(minimizing, [1, 0.85, 0.8], 'minimize'), 3);
  });

  test('NaN counts as no improvement', () => {
    const rule = new EarlyStopping({ patience: 2, minDelta: 0 });
    assert.equal(stopsAt(rule, [0.5, Number.NaN, Number.NaN]), 3);
    assert.equal(stopsAt(rule, [Number.NaN, 0.4, 0.5]), undefined, 'a NaN first epoch does not become the best');
    assert.deepEqual(rule.decide([Number.NaN, Number.NaN], 'minimize'), {
      stop: true,
      bestEpoch: 0,
      reason: 'value has not improved for 2 epochs (no epoch has a value that is not NaN)',
    });
  });

  test('never stops after the first epoch alone, as Keras', () => {
    const rule = new EarlyStopping({ patience: 1, minDelta: 0 });
    assert.deepEqual(rule.decide([Number.NaN], 'maximize'), { stop: false });
    assert.deepEqual(rule.decide([], 'maximize'), { stop: false });
    assert.equal(rule.decide([Number.NaN, Number.NaN], 'maximize').stop, true);
  });

  test('rejects bad settings, naming them', () => {
    assert.throws(() => new EarlyStopping({ patience: 0, minDelta: 0 }), {
      name: 'InvalidArgumentError',
      message: 'patience must be an integer >= 1, but got 0',
    });
    assert.throws(() => new EarlyStopping({ patience: 1, minDelta: -0.1 }), {
      message: 'min_delta must be a finite number >= 0, but got -0.1',
    });
  });
});
