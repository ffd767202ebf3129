import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createPruner } from '../../src/pruners/create-pruner.js';
import { HyperbandPruner } from '../../src/pruners/hyperband-pruner.js';
import { MedianPruner } from '../../src/pruners/median-pruner.js';
import { NopPruner } from '../../src/pruners/nop-pruner.js';
import { PercentilePruner } from '../../src/pruners/percentile-pruner.js';
import type { PrunerSpec } from '../../src/pruners/pruner-spec.js';
import { SuccessiveHalvingPruner } from '../../src/pruners/successive-halving-pruner.js';
import { completed, contextFor } from './curves.js';

const percentileSettings = { nStartupTrials: 1, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 };

describe('createPruner', () => {
  test('builds the pruner each spec names, with its settings', () => {
    const cases: [PrunerSpec, string, unknown][] = [
      [{ type: 'none' }, 'none', NopPruner],
      [{ type: 'median', ...percentileSettings }, 'median', MedianPruner],
      [{ type: 'percentile', percentile: 30, ...percentileSettings }, 'percentile', PercentilePruner],
      [{ type: 'asha', minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 }, 'asha', SuccessiveHalvingPruner],
      [{ type: 'hyperband', minResource: 1, maxResource: 9, reductionFactor: 3 }, 'hyperband', HyperbandPruner],
    ];
    for (const [spec, name, type] of cases) {
      const pruner = createPruner(spec);
      assert.equal(pruner.name, name);
      assert.ok(pruner instanceof (type as new (...args: never[]) => unknown), name);
    }
    const percentile = createPruner({ type: 'percentile', percentile: 30, ...percentileSettings }) as PercentilePruner;
    assert.equal(percentile.percentile, 30);
    assert.deepEqual(percentile.settings, percentileSettings);
    assert.deepEqual(
      (createPruner({ type: 'asha', minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 }) as SuccessiveHalvingPruner).settings,
      {
        minResource: 2,
        reductionFactor: 3,
        minEarlyStoppingRate: 1,
      },
    );
    assert.equal((createPruner({ type: 'hyperband', minResource: 1, maxResource: 9, reductionFactor: 3 }) as HyperbandPruner).nBrackets, 3);
  });

  test('the metric label goes into the reasons', () => {
    const pruner = createPruner({ type: 'median', ...percentileSettings }, { metric: 'val_loss' });
    const decision = pruner.decide(contextFor('minimize', [0.9], completed([0.5])));
    assert.ok(decision.prune && decision.reason.startsWith('best val_loss up to epoch 1 is 0.9'), JSON.stringify(decision));
  });

  test('the none pruner never prunes, however bad the trial', () => {
    const pruner = createPruner({ type: 'none' });
    const trials = completed([0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9]);
    for (const values of [[0.1], [0.1, 0.1], [Number.NaN], [Number.NaN, Number.NaN]]) {
      assert.deepEqual(pruner.decide(contextFor('maximize', values, trials)), { prune: false });
    }
    // The same history does get pruned by a real pruner: the case can fail.
    assert.equal(createPruner({ type: 'median', ...percentileSettings }).decide(contextFor('maximize', [0.1], trials)).prune, true);
  });
});
