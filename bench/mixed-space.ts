import { RandomSampler } from '../src/samplers/random-sampler.js';
import type { TrialSnapshot } from '../src/samplers/sampler.js';
import type { ParamValues, SearchSpaceDefinition } from '../src/space/param-spec.js';
import { SearchSpace } from '../src/space/search-space.js';

/**
 * The 10-parameter space of the speed and store benchmarks: every kind of parameter a network
 * sweep has (log floats, plain floats, a plain and a log int, categoricals) and a conditional
 * pair, since conditions are what make TPE's bookkeeping expensive.
 */
export const MIXED_SPACE: SearchSpaceDefinition = {
  learning_rate: { type: 'float', low: 1e-5, high: 1, log: true },
  weight_decay: { type: 'float', low: 1e-6, high: 1e-1, log: true },
  dropout: { type: 'float', low: 0, high: 0.5, log: false },
  label_smoothing: { type: 'float', low: 0, high: 0.2, log: false },
  depth: { type: 'int', low: 1, high: 8, log: false, step: 1 },
  width: { type: 'int', low: 16, high: 1024, log: true, step: 1 },
  activation: { type: 'categorical', choices: ['relu', 'tanh', 'elu', 'gelu'] },
  optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
  beta1: { type: 'float', low: 0.8, high: 0.99, log: false, when: { optimizer: ['adam'] } },
  beta2: { type: 'float', low: 0.9, high: 0.9999, log: false, when: { optimizer: ['adam'] } },
};

const ACTIVATION_COST: Readonly<Record<string, number>> = { relu: 0, tanh: 0.3, elu: 0.1, gelu: 0.05 };

/**
 * A made-up validation loss with a clear optimum (learning rate near 1e-3, some weight decay and
 * dropout, 3-4 layers of about 256 units, relu, adam with the usual betas), so that TPE's two
 * densities differ as they do in a real sweep. Only its shape matters, not its realism.
 */
export function mixedObjective(params: ParamValues): number {
  const n = (name: string): number => Number(params[name]);
  let loss =
    (Math.log10(n('learning_rate')) + 3) ** 2 +
    0.3 * (Math.log10(n('weight_decay')) + 4) ** 2 +
    2 * (n('dropout') - 0.15) ** 2 +
    5 * (n('label_smoothing') - 0.05) ** 2 +
    0.05 * (n('depth') - 3.5) ** 2 +
    (0.5 * (Math.log2(n('width')) - 8) ** 2) / 4 +
    (ACTIVATION_COST[String(params.activation)] ?? 0);
  if (params.optimizer === 'adam') loss += 10 * (n('beta1') - 0.9) ** 2 + 100 * (n('beta2') - 0.999) ** 2;
  else loss += 0.4;
  return loss;
}

/**
 * `count` COMPLETE trials with parameters drawn by our seeded random sampler and values from
 * `mixedObjective`: the same history is given to our sampler and to Optuna's.
 */
export function randomHistory(count: number, seed: number): TrialSnapshot[] {
  const space = SearchSpace.fromDefinition(MIXED_SPACE);
  const sampler = new RandomSampler(seed);
  const history: TrialSnapshot[] = [];
  for (let number = 0; number < count; number++) {
    const params = sampler.suggest({ space, direction: 'minimize', trialNumber: number, trials: [] });
    history.push({ number, state: 'COMPLETE', params, value: mixedObjective(params) });
  }
  return history;
}
