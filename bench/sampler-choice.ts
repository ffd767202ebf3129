import { InvalidArgumentError } from 'commander';
import { createSampler } from '../src/samplers/create-sampler.js';
import type { Sampler } from '../src/samplers/sampler.js';
import { TPE_DEFAULTS, type SamplerSpec } from '../src/samplers/sampler-spec.js';

/**
 * Which of our samplers a benchmark runs, chosen on the command line (--sampler / --samplers):
 *   tpe               our TPE with the defaults a study gets (one estimator per parameter, as
 *                     Optuna's default TPESampler; constant liar)
 *   tpe-multivariate  our TPE modelling parameters jointly (multivariate, grouped by condition)
 *   random          our random sampler (the baseline, and a way to test the benchmark itself)
 */
export const SAMPLER_NAMES = ['tpe', 'tpe-multivariate', 'random'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export function samplerSpec(name: SamplerName, seed: number): SamplerSpec {
  switch (name) {
    case 'tpe':
      return { type: 'tpe', seed, ...TPE_DEFAULTS };
    case 'tpe-multivariate':
      return { type: 'tpe', seed, ...TPE_DEFAULTS, multivariate: true };
    case 'random':
      return { type: 'random', seed };
  }
}

/** A fresh sampler, as a new study would get it. */
export function benchSampler(name: SamplerName, seed: number): Sampler {
  return createSampler(samplerSpec(name, seed));
}

/** Commander parser for one sampler name. */
export function parseSamplerName(value: string): SamplerName {
  const name = SAMPLER_NAMES.find((candidate) => candidate === value.trim());
  if (!name) throw new InvalidArgumentError(`expected one of ${SAMPLER_NAMES.join(', ')}, but got "${value}"`);
  return name;
}

/** Commander parser for a comma-separated list of sampler names. */
export function parseSamplerNames(value: string): SamplerName[] {
  return value.split(',').map(parseSamplerName);
}
