import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import {
  ASHA_DEFAULTS,
  EARLY_STOPPING_DEFAULTS,
  HYPERBAND_DEFAULTS,
  PERCENTILE_DEFAULTS,
  type EarlyStoppingSpec,
  type PrunerSpec,
} from './pruner-spec.js';

const count = (min: number) => z.number().int().min(min);

const percentileFields = {
  n_startup_trials: count(0).optional(),
  n_warmup_steps: count(0).optional(),
  interval_steps: count(1).optional(),
  n_min_trials: count(1).optional(),
};

const reductionFactor = count(2).optional();

/**
 * The sweep file's `pruner:` section, in Optuna's argument names (snake_case).
 * A union on `type`, so that a problem is reported against the field of the chosen pruner.
 */
export const prunerSectionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('median'), ...percentileFields }),
  z.strictObject({ type: z.literal('percentile'), percentile: z.number().min(0).max(100), ...percentileFields }),
  z.strictObject({
    type: z.literal('asha'),
    min_resource: count(1).optional(),
    reduction_factor: reductionFactor,
    min_early_stopping_rate: count(0).optional(),
  }),
  z
    .strictObject({
      type: z.literal('hyperband'),
      min_resource: count(1).optional(),
      max_resource: count(1).optional(),
      reduction_factor: reductionFactor,
    })
    .check((context) => {
      const { min_resource: min = HYPERBAND_DEFAULTS.minResource, max_resource: max } = context.value;
      // Only between valid values: a bad field already has its own issue.
      if (context.issues.length === 0 && max !== undefined && max < min) {
        context.issues.push({
          code: 'custom',
          input: max,
          path: ['max_resource'],
          message: `must be >= min_resource (${min}), but got ${max}`,
        });
      }
    }),
]);

export type PrunerSection = z.output<typeof prunerSectionSchema>;

/** The sweep file's `early_stopping:` section (Keras' EarlyStopping on the objective metric). */
export const earlyStoppingSectionSchema = z.strictObject({
  patience: count(1),
  min_delta: z.number().min(0).optional(),
});

export type EarlyStoppingSection = z.output<typeof earlyStoppingSectionSchema>;

/**
 * The study's pruner, every default filled in. `epochs` is what each trial trains: Hyperband's
 * max_resource when the file leaves it out. No section means no pruning.
 */
export function prunerSpecFromFile(section: PrunerSection | undefined, epochs: number | undefined): PrunerSpec {
  if (section === undefined) return { type: 'none' };
  switch (section.type) {
    case 'none':
      return { type: 'none' };
    case 'median':
      return { type: 'median', ...percentileSettings(section) };
    case 'percentile':
      return { type: 'percentile', percentile: section.percentile, ...percentileSettings(section) };
    case 'asha':
      return {
        type: 'asha',
        minResource: section.min_resource ?? ASHA_DEFAULTS.minResource,
        reductionFactor: section.reduction_factor ?? ASHA_DEFAULTS.reductionFactor,
        minEarlyStoppingRate: section.min_early_stopping_rate ?? ASHA_DEFAULTS.minEarlyStoppingRate,
      };
    case 'hyperband': {
      const minResource = section.min_resource ?? HYPERBAND_DEFAULTS.minResource;
      const maxResource = section.max_resource ?? epochs;
      if (maxResource === undefined) {
        throw new InvalidArgumentError(
          'pruner.max_resource is required when the task does not set its epochs: the most epochs a trial runs',
        );
      }
      if (maxResource < minResource) {
        // Only reachable through the default: the schema already compares explicit values.
        throw new InvalidArgumentError(
          `pruner.min_resource must be <= pruner.max_resource, which defaults to the task's epochs (${epochs}), but got ${minResource}`,
        );
      }
      return {
        type: 'hyperband',
        minResource,
        maxResource,
        reductionFactor: section.reduction_factor ?? HYPERBAND_DEFAULTS.reductionFactor,
      };
    }
  }
}

export function earlyStoppingSpecFromFile(section: EarlyStoppingSection | undefined): EarlyStoppingSpec | undefined {
  if (section === undefined) return undefined;
  return { patience: section.patience, minDelta: section.min_delta ?? EARLY_STOPPING_DEFAULTS.minDelta };
}

function percentileSettings(section: z.output<z.ZodObject<typeof percentileFields>>) {
  return {
    nStartupTrials: section.n_startup_trials ?? PERCENTILE_DEFAULTS.nStartupTrials,
    nWarmupSteps: section.n_warmup_steps ?? PERCENTILE_DEFAULTS.nWarmupSteps,
    intervalSteps: section.interval_steps ?? PERCENTILE_DEFAULTS.intervalSteps,
    nMinTrials: section.n_min_trials ?? PERCENTILE_DEFAULTS.nMinTrials,
  };
}
