import { GridSampler } from './grid-sampler.js';
import { RandomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import type { SamplerSpec } from './sampler-spec.js';
import { TpeSampler } from './tpe/tpe-sampler.js';

export function createSampler(spec: SamplerSpec): Sampler {
  switch (spec.type) {
    case 'random':
      return new RandomSampler(spec.seed);
    case 'tpe':
      return new TpeSampler(spec);
    case 'grid':
      return new GridSampler(spec.seed);
  }
}
