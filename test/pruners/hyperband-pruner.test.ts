import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bracketBudgets, bracketOf, countBrackets } from '../../src/pruners/hyperband-brackets.js';
import { HyperbandPruner } from '../../src/pruners/hyperband-pruner.js';
import { contextFor, curve } from './curves.js';

/** The first `count` trial numbers that fall in `bracket`. */
function numbersIn(pruner: HyperbandPruner, bracket: number, count: number): number[] {
  const numbers: number[] = [];
  for (let number = 0; numbers.length < count; number++) if (pruner.bracketOf(number) === bracket) numbers.push(number);
  return numbers;
}

describe('HyperbandPruner', () => {
  test('bracket count floor(log_factor(max / min)) + 1 (values from Optuna 3.1)', () => {
    assert.equal(countBrackets(1, 27, 3), 4);
    assert.equal(countBrackets(1, 26, 3), 3);
    assert.equal(countBrackets(1, 81, 3), 5);
    assert.equal(countBrackets(2, 16, 2), 4);
    assert.equal(countBrackets(1, 1, 3), 1);
    assert.equal(countBrackets(1, 1000, 10), 3, 'Optuna: log10(1000) rounds to 2.9999999999999996');
    // The one place V8 and glibc round the logarithm apart: Optuna computes 4.999999999999999
    // and makes 5 brackets; V8 computes exactly 5, which is also the exact answer.
    assert.equal(countBrackets(1, 243, 3), 6);
  });

  test('budgets favour the early-stopping brackets (values from Optuna 3.1)', () => {
    assert.deepEqual(bracketBudgets(4, 3), [27, 12, 6, 4]);
    assert.deepEqual(bracketBudgets(5, 3), [81, 34, 15, 8, 5]);
    assert.deepEqual(bracketBudgets(1, 3), [1]);
  });

  test('trials are assigned in proportion to the budgets, the same way every time', () => {
    const budgets = bracketBudgets(4, 3);
    const counts = [0, 0, 0, 0];
    for (let number = 0; number < 49_000; number++) counts[bracketOf(number, budgets)] = (counts[bracketOf(number, budgets)] ?? 0) + 1;
    counts.forEach((count, bracket) => {
      const expected = ((budgets[bracket] ?? 0) / 49) * 49_000;
      assert.ok(Math.abs(count - expected) < 0.05 * expected, `bracket ${bracket}: ${count} trials, expected about ${expected}`);
    });
    assert.deepEqual(
      Array.from({ length: 12 }, (_, number) => bracketOf(number, budgets)),
      [0, 0, 0, 0, 3, 0, 2, 1, 0, 0, 0, 0],
    );
  });

  test('holds one ASHA per bracket, bracket b starting its rungs b reduction factors later', () => {
    const pruner = new HyperbandPruner({ maxResource: 27 });
    assert.equal(pruner.name, 'hyperband');
    assert.deepEqual(pruner.settings, { minResource: 1, maxResource: 27, reductionFactor: 3 });
    assert.equal(pruner.nBrackets, 4);
    const [first] = numbersIn(pruner, 1, 1);
    assert.ok(first !== undefined);
    const leader = curve(numbersIn(pruner, 1, 2)[1] ?? -1, 'COMPLETE', Array<number>(9).fill(0.9));
    // Bracket 1's first rung is at epoch 3: nothing happens at epochs 1 and 2.
    const judged = [1, 2, 3].filter(
      (epoch) => pruner.decide(contextFor('maximize', Array<number>(epoch).fill(0.1), [leader], first)).prune,
    );
    assert.deepEqual(judged, [3]);
  });

  test('a trial competes only with the trials of its own bracket', () => {
    const pruner = new HyperbandPruner({ maxResource: 27 });
    const [trial, sameBracket] = numbersIn(pruner, 0, 2);
    const [otherBracket] = numbersIn(pruner, 2, 1);
    assert.ok(trial !== undefined && sameBracket !== undefined && otherBracket !== undefined);
    // Bracket 0 (factor 3, rungs at 1, 3, 9): with one better trial in its bracket, n = 2, the best 1 goes on.
    const rival = (number: number) => curve(number, 'COMPLETE', [0.9, 0.9, 0.9]);
    assert.equal(pruner.decide(contextFor('maximize', [0.5], [rival(sameBracket)], trial)).prune, true);
    assert.equal(pruner.decide(contextFor('maximize', [0.5], [rival(otherBracket)], trial)).prune, false);
  });

  test('the reason names the bracket', () => {
    const pruner = new HyperbandPruner({ maxResource: 27 }, 'val_accuracy');
    const [trial, rival] = numbersIn(pruner, 0, 2);
    assert.ok(trial !== undefined && rival !== undefined);
    const decision = pruner.decide(contextFor('maximize', [0.5], [curve(rival, 'RUNNING', [0.9])], trial));
    assert.deepEqual(decision, {
      prune: true,
      reason:
        'Hyperband bracket 0 (of 0-3): val_accuracy 0.5 at epoch 1 is not among the best 1 of the 2 trials that reached rung 0 (epoch 1): going on needs at least 0.9',
    });
  });

  test('rejects bad settings, naming them', () => {
    assert.throws(() => new HyperbandPruner({ minResource: 5, maxResource: 3 }), {
      name: 'InvalidArgumentError',
      message: 'max_resource must be >= min_resource (5), but got 3',
    });
    assert.throws(
      () => new HyperbandPruner({ maxResource: 10, reductionFactor: 1 }),
      /reduction_factor must be an integer >= 2, but got 1/,
    );
    assert.throws(() => new HyperbandPruner({ maxResource: 2.5 }), /max_resource/);
  });
});
