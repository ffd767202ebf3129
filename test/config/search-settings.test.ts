import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { TPE_DEFAULTS } from '../../src/samplers/sampler-spec.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

function definitionOf(overrides: Record<string, string>) {
  return parseSweep(tinySweepYaml(overrides), 'ok.yaml').definition;
}

const errorFor = sweepErrorFor;

const GRID_SPACE = [
  'space:',
  '  optimizer: { type: categorical, choices: [sgd, adam] }',
  '  learning_rate: { type: categorical, choices: [0.01, 0.1] }',
  '  momentum: { type: float, low: 0.0, high: 0.9, step: 0.45, when: { optimizer: sgd } }',
].join('\n');

describe('sweep files: sampler, pruner and early stopping', () => {
  test("TPE is the default sampler, with Optuna's defaults written out", () => {
    const { sampler, seed } = definitionOf({ sampler: '' });
    assert.equal(sampler.type, 'tpe');
    assert.deepEqual({ ...sampler, seed: 0 }, { type: 'tpe', seed: 0, ...TPE_DEFAULTS });
    assert.equal(typeof seed, 'number');
  });

  test("every TPE setting can be given, by Optuna's names", () => {
    const sampler = definitionOf({
      sampler:
        'sampler:\n  type: tpe\n  seed: 5\n  n_startup_trials: 3\n  n_ei_candidates: 48\n  multivariate: false\n  constant_liar: false\n  prior_weight: 2\n  consider_magic_clip: false\n  consider_endpoints: true\n  weigh_by_bandwidth: false',
    }).sampler;
    assert.deepEqual(sampler, {
      type: 'tpe',
      seed: 5,
      nStartupTrials: 3,
      nEiCandidates: 48,
      multivariate: false,
      constantLiar: false,
      priorWeight: 2,
      considerMagicClip: false,
      considerEndpoints: true,
      weighByBandwidth: false,
    });
    assert.match(errorFor({ sampler: 'sampler:\n  type: tpe\n  n_ei_candidates: 0' }), /sampler\.n_ei_candidates: must be >= 1, but got 0/);
    assert.match(
      errorFor({ sampler: 'sampler:\n  type: annealing' }),
      /sampler\.type: expected one of "tpe", "random", "grid", but got "annealing"/,
    );
  });

  test('a pruner and early stopping are stored with their defaults; none by default', () => {
    const plain = definitionOf({});
    assert.deepEqual(plain.pruner, { type: 'none' });
    assert.equal(plain.earlyStopping, undefined);
    const pruned = definitionOf({
      pruner: 'pruner:\n  type: median\n  n_warmup_steps: 1',
      early_stopping: 'early_stopping:\n  patience: 2',
    });
    assert.deepEqual(pruned.pruner, { type: 'median', nStartupTrials: 5, nWarmupSteps: 1, intervalSteps: 1, nMinTrials: 1 });
    assert.deepEqual(pruned.earlyStopping, { patience: 2, minDelta: 0 });
    const hyperband = definitionOf({ pruner: 'pruner:\n  type: hyperband' });
    assert.deepEqual(
      hyperband.pruner,
      { type: 'hyperband', minResource: 1, maxResource: 2, reductionFactor: 3 },
      'max_resource defaults to the epochs',
    );
  });

  test('bad pruner settings name the field', () => {
    assert.match(errorFor({ pruner: 'pruner:\n  type: asha\n  reduction_factor: 1' }), /pruner\.reduction_factor: must be >= 2, but got 1/);
    assert.match(
      errorFor({ pruner: 'pruner:\n  type: hyperband\n  min_resource: 5' }),
      /pruner\.min_resource: must be at most max_resource, which defaults to training\.epochs \(2\), but got 5/,
    );
    assert.match(errorFor({ early_stopping: 'early_stopping:\n  patience: 0' }), /early_stopping\.patience: must be >= 1, but got 0/);
  });

  test('grid: the budget defaults to the number of grid points, conditions included', () => {
    // adam x 2 rates, plus sgd x 2 rates x 3 momenta = 2 + 6.
    const definition = definitionOf({ sampler: 'sampler:\n  type: grid', space: GRID_SPACE, budget: '' });
    assert.equal(definition.sampler.type, 'grid');
    assert.equal(definition.budget.trials, 8);
    assert.equal(definitionOf({ sampler: 'sampler:\n  type: grid', space: GRID_SPACE, budget: 'budget:\n  trials: 3' }).budget.trials, 3);
  });

  test('grid: parameters without a finite set of values and budgets beyond the grid are refused', () => {
    assert.match(
      errorFor({ sampler: 'sampler:\n  type: grid', budget: '' }),
      /space\.learning_rate: must have a finite set of values for grid search: give it choices, or a step/,
    );
    assert.match(
      errorFor({ sampler: 'sampler:\n  type: grid', space: GRID_SPACE, budget: 'budget:\n  trials: 9' }),
      /budget\.trials: must be at most the grid's 8 points, but got 9/,
    );
  });
});
