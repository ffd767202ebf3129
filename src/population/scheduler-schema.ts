import { z } from 'zod';
import { PBT_DEFAULTS, type SchedulerSpec } from './pbt-settings.js';

const factor = z.number().positive().finite();

/** The sweep file's `scheduler:` section, in Ray Tune's names for PopulationBasedTraining's arguments. */
export const schedulerSectionSchema = z.strictObject({
  type: z.literal('pbt'),
  population: z.number().int().min(2).max(10_000),
  interval: z.number().int().min(1).max(100_000),
  quantile: z.number().gt(0).max(0.5).optional(),
  resample_probability: z.number().min(0).max(1).optional(),
  perturbation_factors: z.tuple([factor, factor]).optional(),
});

export type SchedulerSection = z.output<typeof schedulerSectionSchema>;

/** The stored spec, every setting written out. */
export function schedulerSpecFromSection(section: SchedulerSection): SchedulerSpec {
  return {
    type: 'pbt',
    population: section.population,
    interval: section.interval,
    quantile: section.quantile ?? PBT_DEFAULTS.quantile,
    resampleProbability: section.resample_probability ?? PBT_DEFAULTS.resampleProbability,
    perturbationFactors: section.perturbation_factors ?? PBT_DEFAULTS.perturbationFactors,
  };
}
