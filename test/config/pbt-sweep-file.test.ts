import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { PBT_DEFAULTS } from '../../src/population/pbt-settings.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const PBT = {
  training: 'training:\n  epochs: 6\n  optimizer: sgd\n  learning_rate: 0.01',
  space: 'space:\n  learning_rate: { type: float, low: 0.001, high: 0.5, log: true }\n  momentum: { type: float, low: 0, high: 0.9 }',
  budget: '',
  scheduler: 'scheduler: { type: pbt, population: 6, interval: 2 }',
};

describe('sweep files: scheduler pbt', () => {
  test("loads with Ray Tune's defaults; the population is the budget and is drawn at random", () => {
    const { definition } = parseSweep(tinySweepYaml(PBT), 'pbt.yaml');
    assert.deepEqual(definition.scheduler, { type: 'pbt', population: 6, interval: 2, ...PBT_DEFAULTS });
    assert.equal(definition.budget.trials, 6);
    assert.equal(definition.sampler.type, 'random');
    const custom = parseSweep(
      tinySweepYaml({
        ...PBT,
        scheduler:
          'scheduler: { type: pbt, population: 4, interval: 1, quantile: 0.5, resample_probability: 0, perturbation_factors: [2, 0.5] }',
        budget: 'budget: { trials: 4 }',
      }),
      'pbt.yaml',
    ).definition;
    assert.deepEqual(custom.scheduler, {
      type: 'pbt',
      population: 4,
      interval: 1,
      quantile: 0.5,
      resampleProbability: 0,
      perturbationFactors: [2, 0.5],
    });
  });

  test('bad settings name the field', () => {
    const bad = (scheduler: string): string => sweepErrorFor({ ...PBT, scheduler: `scheduler: ${scheduler}` });
    assert.match(bad('{ type: pbt, population: 1, interval: 2 }'), /scheduler\.population: must be >= 2, but got 1/);
    assert.match(bad('{ type: pbt, population: 4, interval: 6 }'), /scheduler\.interval: must be less than training\.epochs \(6\)/);
    assert.match(bad('{ type: pbt, population: 4, interval: 2, quantile: 0.6 }'), /scheduler\.quantile: must be <= 0\.5, but got 0\.6/);
    assert.match(bad('{ type: pbt, population: 4, interval: 2, perturbation_factors: [1.2] }'), /scheduler\.perturbation_factors/);
    assert.match(bad('{ type: asha, population: 4, interval: 2 }'), /scheduler\.type: .*"pbt".*"asha"/);
  });

  test('what PBT cannot be combined with is refused, each by its field', () => {
    const refused = (overrides: Record<string, string>): string => sweepErrorFor({ ...PBT, ...overrides });
    assert.match(
      refused({ space: 'space:\n  width: { type: int, low: 8, high: 32 }' }),
      /space\.width: cannot be searched with scheduler pbt: members go on from each other's checkpoints, so width must be fixed .*PBT explores learning_rate, momentum/,
    );
    assert.match(
      refused({ space: 'space:\n  optimizer: { type: categorical, choices: [sgd, adam] }' }),
      /space\.optimizer: cannot be searched/,
    );
    assert.match(refused({ pruner: 'pruner: { type: median }' }), /pruner: cannot be combined with scheduler pbt/);
    assert.match(refused({ early: 'early_stopping: { patience: 2 }' }), /early_stopping: cannot be combined with scheduler pbt/);
    assert.match(refused({ repeats: 'repeats: 2' }), /repeats: must be 1 with scheduler pbt/);
    assert.match(refused({ checkpoint: 'checkpoint: { every: 0 }' }), /checkpoint\.every: must be at least 1 with scheduler pbt/);
    assert.match(refused({ sampler: 'sampler: { type: tpe }' }), /sampler\.type: must be "random" with scheduler pbt/);
    assert.match(refused({ budget: 'budget: { trials: 5 }' }), /budget\.trials: must be the population \(6\) or left out/);
    assert.match(refused({ budget: 'budget: { max_concurrent: 2 }' }), /budget\.max_concurrent: cannot be set with scheduler pbt/);
    assert.match(
      refused({ dataset: '', model: '', training: '', synthetic: 'synthetic: { epochs: 4 }' }),
      /scheduler: needs built-in training \(dataset and training\)/,
    );
  });
});
