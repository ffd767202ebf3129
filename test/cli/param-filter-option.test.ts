import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWhere } from '../../cli/param-filter-option.js';
import type { SearchSpaceDefinition } from '../../src/space/param-spec.js';

/** Seed 000's grid: learning rates as a categorical of numbers, beside a categorical of words. */
const SPACE: SearchSpaceDefinition = {
  learning_rate: { type: 'categorical', choices: [0.005, 0.01, 0.05, 0.1] },
  activation: { type: 'categorical', choices: ['relu', 'tanh'] },
  depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
};

describe('parseWhere', () => {
  test('a categorical of numbers takes bounds; values and bounds are typed as numbers', () => {
    assert.deepEqual(parseWhere(['learning_rate>=0.01', 'learning_rate < 1e-1', 'depth=2', 'activation=relu'], SPACE, 's'), {
      learning_rate: { '>=': 0.01, '<': 0.1 },
      depth: [2],
      activation: ['relu'],
    });
  });

  test('a bound may lie outside the space (everything is below 10)', () => {
    assert.deepEqual(parseWhere(['depth<10'], SPACE, 's'), { depth: { '<': 10 } });
  });

  test('a categorical of words takes no bound', () => {
    assert.throws(() => parseWhere(['activation>relu'], SPACE, 's'), {
      name: 'InvalidArgumentError',
      message: /activation has choices that are not numbers/,
    });
  });
});
