import { z } from 'zod';
import { TPE_DEFAULTS, type SamplerSpec } from './sampler-spec.js';

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

/** The `sampler:` section of a sweep file (snake_case, as Optuna names the settings). */
export const samplerSectionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('tpe'),
    seed: seed.optional(),
    n_startup_trials: z.number().int().min(0).optional(),
    n_ei_candidates: z.number().int().min(1).max(10_000).optional(),
    multivariate: z.boolean().optional(),
    constant_liar: z.boolean().optional(),
    prior_weight: z.number().gt(0).optional(),
    consider_magic_clip: z.boolean().optional(),
    consider_endpoints: z.boolean().optional(),
    weigh_by_bandwidth: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('random'), seed: seed.optional() }),
  z.strictObject({ type: z.literal('grid'), seed: seed.optional() }),
]);

export type SamplerSection = z.output<typeof samplerSectionSchema>;

/** The stored spec: every setting written out; TPE when the section is absent. */
export function samplerSpecFromSection(section: SamplerSection | undefined, defaultSeed: number): SamplerSpec {
  const chosen = section ?? { type: 'tpe' as const };
  const spec = { seed: chosen.seed ?? defaultSeed };
  switch (chosen.type) {
    case 'random':
    case 'grid':
      return { type: chosen.type, ...spec };
    case 'tpe':
      return {
        type: 'tpe',
        ...spec,
        nStartupTrials: chosen.n_startup_trials ?? TPE_DEFAULTS.nStartupTrials,
        nEiCandidates: chosen.n_ei_candidates ?? TPE_DEFAULTS.nEiCandidates,
        multivariate: chosen.multivariate ?? TPE_DEFAULTS.multivariate,
        constantLiar: chosen.constant_liar ?? TPE_DEFAULTS.constantLiar,
        priorWeight: chosen.prior_weight ?? TPE_DEFAULTS.priorWeight,
        considerMagicClip: chosen.consider_magic_clip ?? TPE_DEFAULTS.considerMagicClip,
        considerEndpoints: chosen.consider_endpoints ?? TPE_DEFAULTS.considerEndpoints,
        weighByBandwidth: chosen.weigh_by_bandwidth ?? TPE_DEFAULTS.weighByBandwidth,
      };
  }
}
