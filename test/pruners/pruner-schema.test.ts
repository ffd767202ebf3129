import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  earlyStoppingSectionSchema,
  earlyStoppingSpecFromFile,
  prunerSectionSchema,
  prunerSpecFromFile,
} from '../../src/pruners/pruner-schema.js';
import { zodProblems } from '../../src/validation/zod-problems.js';

/** The problems a bad `pruner:` section gives, as "path: message" in the sweep file's words. */
function problems(
  section: unknown,
  schema: typeof prunerSectionSchema | typeof earlyStoppingSectionSchema = prunerSectionSchema,
): string[] {
  const result = schema.safeParse(section);
  assert.equal(result.success, false, `expected ${JSON.stringify(section)} to be rejected`);
  return zodProblems(schema, section, result.error?.issues ?? []).map((problem) => `${problem.path.join('.')}: ${problem.message}`);
}

function specFor(section: unknown, epochs = 20) {
  return prunerSpecFromFile(prunerSectionSchema.parse(section), epochs);
}

describe('pruner section', () => {
  test('no section, or type none, means no pruning', () => {
    assert.deepEqual(prunerSpecFromFile(undefined, 20), { type: 'none' });
    assert.deepEqual(specFor({ type: 'none' }), { type: 'none' });
  });

  test('fills Optuna 3.1 defaults', () => {
    const percentileDefaults = { nStartupTrials: 5, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 };
    assert.deepEqual(specFor({ type: 'median' }), { type: 'median', ...percentileDefaults });
    assert.deepEqual(specFor({ type: 'percentile', percentile: 25 }), { type: 'percentile', percentile: 25, ...percentileDefaults });
    assert.deepEqual(specFor({ type: 'asha' }), { type: 'asha', minResource: 1, reductionFactor: 4, minEarlyStoppingRate: 0 });
    assert.deepEqual(specFor({ type: 'hyperband' }, 30), { type: 'hyperband', minResource: 1, maxResource: 30, reductionFactor: 3 });
  });

  test('keeps what the file sets', () => {
    assert.deepEqual(specFor({ type: 'median', n_startup_trials: 2, n_warmup_steps: 3, interval_steps: 4, n_min_trials: 5 }), {
      type: 'median',
      nStartupTrials: 2,
      nWarmupSteps: 3,
      intervalSteps: 4,
      nMinTrials: 5,
    });
    assert.deepEqual(specFor({ type: 'asha', min_resource: 2, reduction_factor: 3, min_early_stopping_rate: 1 }), {
      type: 'asha',
      minResource: 2,
      reductionFactor: 3,
      minEarlyStoppingRate: 1,
    });
    assert.deepEqual(specFor({ type: 'hyperband', min_resource: 2, max_resource: 16, reduction_factor: 2 }, 30), {
      type: 'hyperband',
      minResource: 2,
      maxResource: 16,
      reductionFactor: 2,
    });
  });

  test('bad values name the field', () => {
    assert.deepEqual(problems({ type: 'percentile', percentile: 150 }), ['percentile: must be <= 100, but got 150']);
    assert.deepEqual(problems({ type: 'percentile' }), ['percentile: is required (expected a number)']);
    assert.deepEqual(problems({ type: 'asha', reduction_factor: 1 }), ['reduction_factor: must be >= 2, but got 1']);
    assert.deepEqual(problems({ type: 'hyperband', reduction_factor: 1 }), ['reduction_factor: must be >= 2, but got 1']);
    assert.deepEqual(problems({ type: 'median', n_startup_trials: -1 }), ['n_startup_trials: must be >= 0, but got -1']);
    assert.deepEqual(problems({ type: 'median', interval_steps: 0 }), ['interval_steps: must be >= 1, but got 0']);
    assert.deepEqual(problems({ type: 'median', n_min_trials: 0 }), ['n_min_trials: must be >= 1, but got 0']);
    assert.deepEqual(problems({ type: 'median', n_warmup_steps: 1.5 }), ['n_warmup_steps: expected an integer, but got 1.5']);
    assert.deepEqual(problems({ type: 'asha', min_resource: 0 }), ['min_resource: must be >= 1, but got 0']);
    assert.deepEqual(problems({ type: 'asha', min_early_stopping_rate: -1 }), ['min_early_stopping_rate: must be >= 0, but got -1']);
    assert.deepEqual(problems({ type: 'hyperband', min_resource: 4, max_resource: 3 }), [
      'max_resource: must be >= min_resource (4), but got 3',
    ]);
    assert.deepEqual(problems({ type: 'hyperband', max_resource: 0 }), ['max_resource: must be >= 1, but got 0']);
  });

  test('an unknown type or field is named', () => {
    assert.deepEqual(problems({ type: 'medain' }), [
      'type: expected one of "none", "median", "percentile", "asha", "hyperband", but got "medain"',
    ]);
    assert.deepEqual(problems({}), ['type: is required (expected one of "none", "median", "percentile", "asha", "hyperband")']);
    const [unknown] = problems({ type: 'asha', percentile: 10 });
    assert.match(
      unknown ?? '',
      /^percentile: unknown field \(expected one of: type, min_resource, reduction_factor, min_early_stopping_rate\)$/,
    );
  });

  test('hyperband min_resource above the default max_resource (the epochs) is rejected', () => {
    assert.throws(() => specFor({ type: 'hyperband', min_resource: 5 }, 3), {
      name: 'InvalidArgumentError',
      message: "pruner.min_resource must be <= pruner.max_resource, which defaults to the task's epochs (3), but got 5",
    });
  });
});

describe('early_stopping section', () => {
  test('absent means no early stopping; min_delta defaults to 0', () => {
    assert.equal(earlyStoppingSpecFromFile(undefined), undefined);
    assert.deepEqual(earlyStoppingSpecFromFile(earlyStoppingSectionSchema.parse({ patience: 3 })), { patience: 3, minDelta: 0 });
    assert.deepEqual(earlyStoppingSpecFromFile(earlyStoppingSectionSchema.parse({ patience: 3, min_delta: 0.01 })), {
      patience: 3,
      minDelta: 0.01,
    });
  });

  test('bad values name the field', () => {
    assert.deepEqual(problems({ patience: 0 }, earlyStoppingSectionSchema), ['patience: must be >= 1, but got 0']);
    assert.deepEqual(problems({ patience: 2.5 }, earlyStoppingSectionSchema), ['patience: expected an integer, but got 2.5']);
    assert.deepEqual(problems({}, earlyStoppingSectionSchema), ['patience: is required (expected a number)']);
    assert.deepEqual(problems({ patience: 2, min_delta: -1 }, earlyStoppingSectionSchema), ['min_delta: must be >= 0, but got -1']);
    assert.deepEqual(problems({ patience: 2, delta: 1 }, earlyStoppingSectionSchema), [
      'delta: unknown field (expected one of: patience, min_delta)',
    ]);
  });
});
