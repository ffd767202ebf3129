import { deriveSeed } from '../random/derive-seed.js';
import { Rng } from '../random/rng.js';
import type { ParamValue } from '../space/param-spec.js';
import type { Sampler, SamplerContext } from './sampler.js';
import { samplePrior } from './sample-prior.js';

/**
 * Independent draws from each parameter's prior. Each trial's stream is seeded from the
 * sampler seed and the trial number, so a trial gets the same parameters however many
 * trials run at once and in whatever order they are asked for.
 */
export class RandomSampler implements Sampler {
  readonly name = 'random';

  constructor(private readonly seed: number) {}

  suggest({ space, trialNumber }: SamplerContext): Record<string, ParamValue> {
    const rng = new Rng(deriveSeed(this.seed, trialNumber));
    const params: Record<string, ParamValue> = {};
    for (const name of space.order) {
      if (space.isActive(name, params)) params[name] = samplePrior(space.param(name), rng);
    }
    return params;
  }
}
