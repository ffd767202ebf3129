import type { SamplerSpec } from '../study/study-definition.js';
import { RandomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';

export function createSampler(spec: SamplerSpec): Sampler {
  switch (spec.type) {
    case 'random':
      return new RandomSampler(spec.seed);
  }
}
