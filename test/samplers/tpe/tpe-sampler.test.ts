import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RandomSampler } from '../../../src/samplers/random-sampler.js';
import type { TrialSnapshot } from '../../../src/samplers/sampler.js';
import { TPE_DEFAULTS, type TpeSamplerSpec } from '../../../src/samplers/sampler-spec.js';
import { ObservationRanking } from '../../../src/samplers/tpe/observation-split.js';
import { paramGroups } from '../../../src/samplers/tpe/param-groups.js';
import { TpeSampler } from '../../../src/samplers/tpe/tpe-sampler.js';
import type { ParamValues } from '../../../src/space/param-spec.js';
import { SearchSpace } from '../../../src/space/search-space.js';

const tpe = (overrides: Partial<TpeSamplerSpec> = {}): TpeSampler =>
  new TpeSampler({ type: 'tpe', seed: 11, ...TPE_DEFAULTS, ...overrides });

const LINE = SearchSpace.fromDefinition({ x: { type: 'float', low: 0, high: 1, log: false } });
const MIXED = SearchSpace.fromDefinition({
  optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
  learning_rate: { type: 'float', low: 1e-5, high: 1, log: true },
  momentum: { type: 'float', low: 0, high: 0.95, log: false, when: { optimizer: ['sgd'] } },
  beta1: { type: 'float', low: 0.8, high: 0.999, log: false, when: { optimizer: ['adam'] } },
  beta2: { type: 'float', low: 0.9, high: 0.9999, log: false, when: { optimizer: ['adam'] } },
  depth: { type: 'int', low: 1, high: 8, log: false, step: 1 },
  width: { type: 'int', low: 16, high: 1024, log: true, step: 1 },
  batch_size: { type: 'int', low: 16, high: 256, log: false, step: 16 },
});

function mixedObjective(params: ParamValues): number {
  const lr = Math.log10(params.learning_rate as number);
  const optimizerPenalty = params.optimizer === 'adam' ? 0 : 0.5;
  return (
    (lr + 3) ** 2 + optimizerPenalty + Math.abs((params.depth as number) - 3) * 0.2 + Math.abs(Math.log2(params.width as number) - 7) * 0.1
  );
}

/** A sequential study: ask, evaluate, tell; returns every snapshot. */
function optimise(sampler: TpeSampler, space: SearchSpace, objective: (p: ParamValues) => number, trials: number): TrialSnapshot[] {
  const history: TrialSnapshot[] = [];
  for (let number = 0; number < trials; number++) {
    const params = sampler.suggest({ space, direction: 'minimize', trialNumber: number, trials: history });
    history.push({ number, state: 'COMPLETE', params, value: objective(params) });
  }
  return history;
}

describe('TPE sampler', () => {
  test('deterministic: the same seed and history give the same suggestions; another seed differs', () => {
    const a = optimise(tpe(), MIXED, mixedObjective, 30);
    const b = optimise(tpe(), MIXED, mixedObjective, 30);
    assert.deepEqual(a, b);
    const c = optimise(tpe({ seed: 12 }), MIXED, mixedObjective, 30);
    assert.notDeepEqual(
      a.slice(10).map((t) => t.params),
      c.slice(10).map((t) => t.params),
    );
    // A fresh sampler given the same history suggests the same next point (nothing hidden in its state).
    const next = (sampler: TpeSampler): unknown => sampler.suggest({ space: MIXED, direction: 'minimize', trialNumber: 30, trials: a });
    const warm = tpe();
    optimise(warm, MIXED, mixedObjective, 5);
    assert.deepEqual(next(tpe()), next(warm));
  });

  test('random until n_startup_trials trials have finished, then modelled', () => {
    const history = optimise(tpe({ nStartupTrials: 10 }), LINE, (p) => ((p.x as number) - 0.3) ** 2, 60);
    const early = history.slice(0, 10).map((t) => Math.abs((t.params.x as number) - 0.3));
    const late = history.slice(40).map((t) => Math.abs((t.params.x as number) - 0.3));
    const median = (values: number[]): number => values.sort((p, q) => p - q)[Math.floor(values.length / 2)] as number;
    assert.ok(median(late) < 0.1, `late suggestions concentrate near the optimum: median distance ${median(late)}`);
    assert.ok(median(early) > median(late) * 3, `startup trials are spread: ${median(early)} vs ${median(late)}`);
  });

  test('every suggestion fits the space: conditional parameters exactly when their condition holds', () => {
    for (const multivariate of [true, false]) {
      const history = optimise(tpe({ multivariate, nStartupTrials: 5 }), MIXED, mixedObjective, 40);
      for (const trial of history) assert.deepEqual(MIXED.checkValues(trial.params), [], JSON.stringify(trial.params));
      assert.ok(history.slice(5).some((t) => t.params.optimizer === 'adam') && history.some((t) => t.params.optimizer === 'sgd'));
    }
  });

  test('learns the better branch of a condition and the values of its own parameters', () => {
    const history = optimise(tpe(), MIXED, mixedObjective, 80);
    const late = history.slice(50);
    const adamShare = late.filter((t) => t.params.optimizer === 'adam').length / late.length;
    assert.ok(adamShare > 0.7, `adam (0.5 better) chosen in ${adamShare} of the late trials`);
    const best = Math.min(...history.map((t) => t.value as number));
    assert.ok(best < 0.4, `best ${best}`);
  });

  test('constant liar: parallel asks spread out instead of piling onto one point', () => {
    // 20 finished trials with the best near x = 0.3; then 8 workers ask before any of them reports.
    const finished: TrialSnapshot[] = Array.from({ length: 20 }, (_, number) => {
      const x = number / 19;
      return { number, state: 'COMPLETE', params: { x }, value: (x - 0.3) ** 2 };
    });
    const spread = (constantLiar: boolean): number => {
      const sampler = tpe({ constantLiar });
      const history = [...finished];
      const asked: number[] = [];
      for (let k = 0; k < 8; k++) {
        const params = sampler.suggest({ space: LINE, direction: 'minimize', trialNumber: 20 + k, trials: history });
        history.push({ number: 20 + k, state: 'RUNNING', params });
        asked.push(params.x as number);
      }
      const distances = asked.flatMap((a, i) => asked.slice(i + 1).map((b) => Math.abs(a - b)));
      return distances.reduce((sum, d) => sum + d, 0) / distances.length;
    };
    const withLiar = spread(true);
    const without = spread(false);
    assert.ok(withLiar > without * 1.5, `mean pairwise distance with the liar ${withLiar}, without ${without}`);
  });

  test('with hundreds of trials (g(x) from kept moments), a sampler that followed the study suggests what a fresh one does', () => {
    const random = new RandomSampler(5);
    const history: TrialSnapshot[] = [];
    for (let number = 0; number < 700; number++) {
      const params = random.suggest({ space: MIXED, direction: 'minimize', trialNumber: number, trials: [] });
      history.push({ number, state: 'COMPLETE', params, value: mixedObjective(params) });
    }
    const followed = tpe();
    for (let number = 700; number < 730; number++) {
      const context = { space: MIXED, direction: 'minimize' as const, trialNumber: number, trials: [...history] };
      const params = followed.suggest(context);
      assert.deepEqual(params, tpe().suggest(context), `trial ${number}`);
      // A third finish at once (a new best moves a trial between the sides and shifts ranks); the rest keep running.
      const value = mixedObjective(params);
      history.push(number % 3 === 0 ? { number, state: 'COMPLETE', params, value } : { number, state: 'RUNNING', params });
    }
  });

  test('univariate and multivariate modes group parameters as documented', () => {
    assert.deepEqual(paramGroups(MIXED, true), [
      ['optimizer', 'learning_rate', 'depth', 'width', 'batch_size'],
      ['momentum'],
      ['beta1', 'beta2'],
    ]);
    assert.deepEqual(paramGroups(MIXED, false).length, 8);
  });
});

describe("ranking of trials (Optuna's observation pairs)", () => {
  const trial = (number: number, state: TrialSnapshot['state'], value?: number, step?: number): TrialSnapshot => ({
    number,
    state,
    params: {},
    ...(value !== undefined && { value }),
    ...(step !== undefined && { step }),
  });
  const history = [
    trial(0, 'COMPLETE', 0.9),
    trial(1, 'PRUNED', 0.95, 3), // pruned late: ranks after every COMPLETE trial, before earlier-pruned ones
    trial(2, 'FAILED'),
    trial(3, 'COMPLETE', 0.5),
    trial(4, 'PRUNED', 0.99, 1),
    trial(5, 'RUNNING'),
    trial(6, 'COMPLETE', 0.7),
    trial(7, 'PRUNED', Number.NaN, 3),
    trial(8, 'PRUNED'),
  ];

  test('COMPLETE by value, then PRUNED by how far they got, NaN last in its step; FAILED ignored', () => {
    const ranking = new ObservationRanking('maximize', false);
    const order = (n: number): readonly number[] => ranking.split(history, () => n).below;
    assert.deepEqual(order(1), [0]);
    assert.deepEqual(order(2), [0, 6]);
    assert.deepEqual(order(4), [0, 1, 3, 6]);
    assert.deepEqual(order(5), [0, 1, 3, 6, 7]);
    assert.deepEqual(order(6), [0, 1, 3, 4, 6, 7]);
    const split = ranking.split(history, () => 2);
    assert.equal(split.finished, 7);
    assert.deepEqual(split.above, [1, 3, 4, 7, 8], 'without the liar, the running trial is left out');
  });

  test('minimize reverses the values; the constant liar puts running trials among the worst', () => {
    const ranking = new ObservationRanking('minimize', true);
    assert.deepEqual(ranking.split(history, () => 1).below, [3]);
    assert.deepEqual(ranking.split(history, () => 2).above, [0, 1, 4, 5, 7, 8]);
  });

  test('a trial is re-ranked when its state changes', () => {
    const ranking = new ObservationRanking('maximize', true);
    assert.deepEqual(ranking.split(history, () => 1).below, [0]);
    const later = history.map((t) => (t.number === 5 ? trial(5, 'COMPLETE', 0.97) : t));
    assert.deepEqual(ranking.split(later, () => 1).below, [5]);
  });
});
