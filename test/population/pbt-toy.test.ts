import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../src/random/rng.js';
import { samplePrior } from '../../src/samplers/sample-prior.js';
import type { ParamValues, SearchSpaceDefinition } from '../../src/space/param-spec.js';
import { explore } from '../../src/population/explore.js';
import { PBT_DEFAULTS } from '../../src/population/pbt-settings.js';
import { decideGeneration } from '../../src/population/population.js';

/**
 * The toy problem of the PBT paper (Jaderberg et al. 2017, section 4.1, figure 2): maximise
 * Q(θ) = 1.2 − (θ0² + θ1²) by gradient ascent on the surrogate Q̂(θ | h) = 1.2 − (h0 θ0² + h1 θ1²),
 * from θ = (0.9, 0.9). The hyperparameters h decide which directions are learnt; the best h
 * changes as θ moves. Ranking uses the true Q, as in the paper.
 */
const SPACE: SearchSpaceDefinition = {
  h0: { type: 'float', low: 0, high: 1, log: false },
  h1: { type: 'float', low: 0, high: 1, log: false },
};
const STEP = 0.05;

interface Member {
  theta: [number, number];
  params: ParamValues;
}

const q = (theta: readonly number[]): number => 1.2 - ((theta[0] ?? 0) ** 2 + (theta[1] ?? 0) ** 2);

function step(member: Member): void {
  const h = [member.params.h0 as number, member.params.h1 as number];
  member.theta = [member.theta[0] * (1 - 2 * STEP * (h[0] ?? 0)), member.theta[1] * (1 - 2 * STEP * (h[1] ?? 0))];
}

/** Trains each member `steps` steps; with PBT, every `interval` steps the population decides. */
function train(initial: readonly ParamValues[], steps: number, pbt: { interval: number; seed: number } | undefined): number {
  const members: Member[] = initial.map((params) => ({ theta: [0.9, 0.9], params }));
  const rng = new Rng(pbt?.seed ?? 0);
  for (let t = 1; t <= steps; t++) {
    for (const member of members) step(member);
    if (!pbt || t % pbt.interval !== 0) continue;
    const scored = members.map((member, id) => ({ id, params: member.params, score: q(member.theta) }));
    const decisions = decideGeneration(scored, PBT_DEFAULTS, SPACE, 'maximize', rng);
    // Every copy is of the state at the decision point, as a checkpoint taken there would be.
    const states = members.map((member) => [...member.theta] as [number, number]);
    members.forEach((member, id) => {
      const decision = decisions.get(id);
      if (decision?.kind !== 'exploit') return;
      // Exploit: the better member's state (its checkpoint); explore: the parameters PBT chose.
      member.theta = [...(states[decision.from] as [number, number])];
      member.params = decision.params;
    });
  }
  return Math.max(...members.map((member) => q(member.theta)));
}

describe('Population Based Training: the toy problem of the paper', () => {
  test('figure 2: from h = (1, 0) and (0, 1), each alone stalls at Q = 0.39; PBT with the two reaches Q near 1.2', () => {
    const start: ParamValues[] = [
      { h0: 1, h1: 0 },
      { h0: 0, h1: 1 },
    ];
    const fixed = train(start, 80, undefined);
    assert.ok(Math.abs(fixed - (1.2 - 0.81)) < 1e-3, `fixed: ${fixed}`);
    const results = Array.from({ length: 10 }, (_, seed) => train(start, 80, { interval: 4, seed }));
    const mean = results.reduce((a, b) => a + b, 0) / results.length;
    assert.ok(mean > 1.1, `PBT reaches ${results.map((r) => r.toFixed(3)).join(', ')}`);
  });

  test('at equal compute (the same 4 random configurations, the same steps), PBT beats them kept fixed: never worse, often better', () => {
    let pbtTotal = 0;
    let fixedTotal = 0;
    let wins = 0;
    let losses = 0;
    const seeds = 30;
    for (let seed = 0; seed < seeds; seed++) {
      const rng = new Rng(1000 + seed);
      const configs = Array.from({ length: 4 }, () => ({ h0: samplePrior(SPACE.h0!, rng), h1: samplePrior(SPACE.h1!, rng) }));
      const fixed = train(configs, 20, undefined);
      const pbt = train(configs, 20, { interval: 4, seed });
      fixedTotal += fixed;
      pbtTotal += pbt;
      if (pbt > fixed) wins++;
      if (pbt < fixed - 1e-9) losses++;
    }
    assert.ok(pbtTotal / seeds > fixedTotal / seeds, `mean best Q: PBT ${pbtTotal / seeds}, fixed ${fixedTotal / seeds}`);
    // Its best member is never worse (the top member goes on untouched) and often better (a copy
    // of it with perturbed h overtakes it): here 12 of 30 better, none worse.
    assert.equal(losses, 0, `PBT lost ${losses} of ${seeds}`);
    assert.ok(wins >= seeds / 4, `PBT won ${wins} of ${seeds}`);
  });
});

describe('explore', () => {
  const space: SearchSpaceDefinition = {
    lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
    units: { type: 'int', low: 16, high: 256, log: false, step: 16 },
    optimizer: { type: 'categorical', choices: ['sgd', 'momentum', 'adam'] },
  };

  test('perturbs by 0.8 or 1.2 within the bounds and on the step; a categorical moves to a neighbour', () => {
    const rng = new Rng(3);
    const seen = { lr: new Set<number>(), units: new Set<number>(), optimizer: new Set<string>() };
    for (let i = 0; i < 200; i++) {
      const next = explore(
        { lr: 0.01, units: 128, optimizer: 'momentum' },
        space,
        { resampleProbability: 0, perturbationFactors: [1.2, 0.8] },
        rng,
      );
      seen.lr.add(Number((next.lr as number).toFixed(6)));
      seen.units.add(next.units as number);
      seen.optimizer.add(next.optimizer as string);
    }
    assert.deepEqual([...seen.lr].sort(), [0.008, 0.012]);
    assert.deepEqual(
      [...seen.units].sort((a, b) => a - b),
      [96, 160],
    );
    assert.deepEqual([...seen.optimizer].sort(), ['adam', 'sgd']);
    const top = explore(
      { lr: 0.1, units: 256, optimizer: 'adam' },
      space,
      { resampleProbability: 0, perturbationFactors: [1.2, 1.2] },
      rng,
    );
    assert.deepEqual([top.lr, top.units], [0.1, 256], 'kept within the bounds');
    assert.ok(['adam', 'momentum'].includes(top.optimizer as string), 'the last choice stays or moves to its one neighbour');
  });

  test('with resample_probability 1 every value is drawn from its prior', () => {
    const rng = new Rng(4);
    const drawn = Array.from({ length: 100 }, () =>
      explore({ lr: 0.01, units: 128, optimizer: 'sgd' }, space, { resampleProbability: 1, perturbationFactors: [1.2, 0.8] }, rng),
    );
    assert.ok(new Set(drawn.map((d) => d.units)).size > 5);
    assert.ok(drawn.every((d) => (d.lr as number) >= 1e-4 && (d.lr as number) <= 0.1));
  });
});
