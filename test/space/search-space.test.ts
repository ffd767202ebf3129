import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/errors/config-error.js';
import { SearchSpace } from '../../src/space/search-space.js';

function problemsOf(input: unknown): string[] {
  try {
    SearchSpace.parse(input, 'space.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems.map((p) => `${p.field}: ${p.message}`);
  }
  assert.fail('expected the space to be rejected');
}

describe('SearchSpace.parse', () => {
  test('normalises defaults and conditions', () => {
    const space = SearchSpace.parse({
      optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
      lr: { type: 'float', low: 1e-4, high: 1, log: true },
      beta1: { type: 'float', low: 0.8, high: 0.99, when: { optimizer: 'adam' } },
      depth: { type: 'int', low: 1, high: 4 },
    });
    assert.deepEqual(space.param('beta1'), { type: 'float', low: 0.8, high: 0.99, log: false, when: { optimizer: ['adam'] } });
    assert.deepEqual(space.param('depth'), { type: 'int', low: 1, high: 4, log: false, step: 1 });
  });

  test('orders parents before the parameters conditional on them', () => {
    const space = SearchSpace.parse({
      beta1: { type: 'float', low: 0.8, high: 0.99, when: { optimizer: 'adam' } },
      amsgrad: { type: 'categorical', choices: [true, false], when: { beta1_mode: 'free' } },
      beta1_mode: { type: 'categorical', choices: ['free', 'fixed'], when: { optimizer: 'adam' } },
      optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
    });
    const at = (name: string): number => space.order.indexOf(name);
    assert.ok(at('optimizer') < at('beta1'));
    assert.ok(at('optimizer') < at('beta1_mode'));
    assert.ok(at('beta1_mode') < at('amsgrad'));
  });

  test('decides which parameters are active', () => {
    const space = SearchSpace.parse({
      optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
      beta1: { type: 'float', low: 0.8, high: 0.99, when: { optimizer: ['adam', 'rmsprop'] } },
      momentum: { type: 'float', low: 0, high: 0.9, when: { optimizer: 'sgd' } },
    });
    assert.equal(space.isActive('beta1', { optimizer: 'adam' }), true);
    assert.equal(space.isActive('beta1', { optimizer: 'rmsprop' }), true);
    assert.equal(space.isActive('beta1', { optimizer: 'sgd' }), false);
    assert.equal(space.isActive('momentum', { optimizer: 'sgd' }), true);
    assert.equal(space.isActive('momentum', {}), false);
  });

  test('rejects low >= high, naming the field', () => {
    assert.deepEqual(problemsOf({ lr: { type: 'float', low: 1, high: 0.1 } }), ['lr.low: must be < high (0.1), but got 1']);
    assert.deepEqual(problemsOf({ depth: { type: 'int', low: 3, high: 3 } }), ['depth.low: must be < high (3), but got 3']);
  });

  test('rejects a log scale with low <= 0', () => {
    assert.deepEqual(problemsOf({ lr: { type: 'float', low: 0, high: 1, log: true } }), [
      'lr.low: must be > 0 for a log-scale parameter, but got 0',
    ]);
    assert.deepEqual(problemsOf({ width: { type: 'int', low: -1, high: 8, log: true } }), [
      'width.low: must be > 0 for a log-scale parameter, but got -1',
    ]);
  });

  test('rejects steps that do not fit', () => {
    assert.deepEqual(problemsOf({ p: { type: 'float', low: 0, high: 1, step: 0.3 } }), [
      'p.step: must divide high - low (1) into whole steps, but got 0.3',
    ]);
    assert.deepEqual(problemsOf({ p: { type: 'float', low: 1e-3, high: 1, step: 0.1, log: true } }), [
      'p.step: cannot be combined with log: true (a log scale has no fixed step)',
    ]);
    assert.deepEqual(problemsOf({ p: { type: 'int', low: 1, high: 9, step: 2, log: true } }), [
      'p.step: must be 1 with log: true, but got 2',
    ]);
    assert.equal(SearchSpace.parse({ p: { type: 'float', low: 0, high: 1, step: 0.1 } }).param('p').type, 'float');
  });

  test('rejects empty and duplicate choices', () => {
    assert.deepEqual(problemsOf({ act: { type: 'categorical', choices: [] } }), [
      'act.choices: must have at least 1 item(s), but got an empty list',
    ]);
    assert.deepEqual(problemsOf({ act: { type: 'categorical', choices: ['relu', 'relu'] } }), ['act.choices[1]: duplicate choice "relu"']);
  });

  test('rejects a condition on a missing parameter, on an impossible value, on itself, and cycles', () => {
    assert.deepEqual(
      problemsOf({ lr: { type: 'float', low: 0.1, high: 1 }, beta1: { type: 'float', low: 0.8, high: 0.9, when: { optimizer: 'adam' } } }),
      ['beta1.when.optimizer: refers to a parameter that is not in the space (expected one of: lr)'],
    );
    assert.deepEqual(
      problemsOf({
        optimizer: { type: 'categorical', choices: ['sgd'] },
        beta1: { type: 'float', low: 0.8, high: 0.9, when: { optimizer: 'adam' } },
      }),
      ['beta1.when.optimizer: optimizer never takes the value "adam" (its choices are "sgd")'],
    );
    assert.deepEqual(problemsOf({ a: { type: 'categorical', choices: [1], when: { a: 1 } } }), [
      'a.when.a: a parameter cannot be conditional on itself',
    ]);
    assert.deepEqual(
      problemsOf({
        width: { type: 'int', low: 8, high: 64, step: 8 },
        big: { type: 'categorical', choices: [true], when: { width: [16, 12, 80] } },
      }),
      [
        'big.when.width[1]: width never takes the value 12 (its values are 8 + k * 8 in [8, 64])',
        'big.when.width[2]: width never takes the value 80 (its values are 8 + k * 8 in [8, 64])',
      ],
    );
    assert.deepEqual(
      problemsOf({
        a: { type: 'categorical', choices: [1, 2], when: { b: 1 } },
        b: { type: 'categorical', choices: [1, 2], when: { a: 1 } },
      }),
      ['a.when: conditions form a cycle: a -> b -> a'],
    );
  });

  test('rejects unknown keys and wrong types, listing what was expected', () => {
    assert.deepEqual(problemsOf({ lr: { type: 'float', low: 0.1, high: 1, lg: true } }), [
      'lr.lg: unknown field (expected one of: type, low, high, log, step, when)',
    ]);
    assert.deepEqual(problemsOf({ lr: { type: 'flaot', low: 0.1, high: 1 } }), [
      'lr.type: expected one of "float", "int", "categorical", but got "flaot"',
    ]);
    assert.deepEqual(problemsOf({ lr: { type: 'float', low: '0.1', high: 1 } }), ['lr.low: expected a number, but got "0.1"']);
    assert.deepEqual(problemsOf({ lr: { type: 'float', high: 1 } }), ['lr.low: is required (expected a number)']);
    assert.deepEqual(problemsOf({ depth: { type: 'int', low: 1.5, high: 4 } }), ['depth.low: expected an integer, but got 1.5']);
    assert.deepEqual(problemsOf({ 'bad-name': { type: 'int', low: 1, high: 4 } }), [
      'bad-name: is not a valid name: expected a parameter name of letters, digits and underscores',
    ]);
    assert.deepEqual(problemsOf([1, 2]), [': expected a mapping, but got a list of 2']);
  });

  test('reports every problem of a kind at once', () => {
    // Structural problems are all reported first; relations between fields once the structure is right.
    assert.equal(problemsOf({ a: { type: 'float', low: 'x', high: 1 }, b: { type: 'categorical', choices: [] } }).length, 2);
    assert.equal(problemsOf({ a: { type: 'float', low: 2, high: 1 }, b: { type: 'float', low: 0, high: 1, log: true } }).length, 2);
  });
});

describe('SearchSpace.checkValues', () => {
  const space = SearchSpace.parse({
    optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
    lr: { type: 'float', low: 1e-4, high: 1, log: true },
    momentum: { type: 'float', low: 0, high: 0.9, when: { optimizer: 'sgd' } },
    width: { type: 'int', low: 8, high: 64, step: 8 },
  });

  test('accepts a valid assignment', () => {
    assert.deepEqual(space.checkValues({ optimizer: 'sgd', lr: 0.01, momentum: 0.5, width: 16 }), []);
    assert.deepEqual(space.checkValues({ optimizer: 'adam', lr: 0.01, width: 64 }), []);
  });

  test('names every wrong value', () => {
    const messages = space
      .checkValues({ optimizer: 'adam', lr: 2, momentum: 0.5, width: 12, extra: 1 })
      .map((p) => `${p.path.join('.')}: ${p.message}`);
    assert.deepEqual(messages, [
      'extra: is not a parameter of the search space (expected one of: optimizer, lr, momentum, width)',
      'lr: must be within [0.0001, 1], but got 2',
      'momentum: must be absent: its condition {"optimizer":["sgd"]} does not hold',
      'width: must be 8 + k * 8, but got 12',
    ]);
    assert.deepEqual(
      space.checkValues({ optimizer: 'sgd', lr: 0.1, width: 8 }).map((p) => p.message),
      ['is required'],
    );
  });
});
