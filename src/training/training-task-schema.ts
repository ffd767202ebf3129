import { z } from 'zod';
import { DATASET_NAMES } from '../datasets/dataset-spec.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING, LAYER_SETTINGS, MODEL_WIDE_SETTINGS, TRAINING_SETTINGS } from './settings.js';

/**
 * Fills settings a task lacks with today's defaults before the strict check: a study stored by
 * an older version (before a setting existed) resumes with the behaviour it was created with,
 * which is the default's, instead of being refused.
 */
function withDefaults(defaults: Readonly<Record<string, unknown>>): (value: unknown) => unknown {
  return (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...defaults, ...value } : value);
}

/**
 * A normalised training task (every setting present), as the store keeps it and as it travels to
 * workers; built from the same setting schemas as sweep files.
 */
export const trainingTaskSchema = z.strictObject({
  type: z.literal('train'),
  dataset: z.strictObject({
    name: z.enum(DATASET_NAMES),
    dir: z.string().min(1).optional(),
    files: z
      .strictObject({
        train_images: z.string().min(1).optional(),
        train_labels: z.string().min(1).optional(),
        test_images: z.string().min(1).optional(),
        test_labels: z.string().min(1).optional(),
        train_batches: z.array(z.string().min(1)).min(1).optional(),
        test_batch: z.string().min(1).optional(),
      })
      .optional(),
    validation: z.number().min(0),
    // Absent for a dataset with test files means all of them (bundled-mnist always has it).
    test: z.number().min(0).optional(),
    limit: z.number().int().min(1).optional(),
    seed: z.number().int().min(0),
  }),
  model: z.preprocess(
    (model) => withDefaults(DEFAULT_MODEL)(withoutLegacyType(model)),
    z.strictObject({ ...MODEL_WIDE_SETTINGS, ...optional(LAYER_SETTINGS) }),
  ),
  training: z.preprocess(withDefaults(DEFAULT_TRAINING), z.strictObject({ epochs: z.number().int().min(1), ...TRAINING_SETTINGS })),
});

/**
 * Studies stored before models had an architecture hold `{ type: 'mlp', depth, width, activation }`:
 * the same model as these settings (the defaults fill the ones added since) without `type`.
 */
function withoutLegacyType(model: unknown): unknown {
  if (model === null || typeof model !== 'object' || !('type' in model) || model.type !== 'mlp' || 'architecture' in model) return model;
  const settings: Record<string, unknown> = { ...model };
  delete settings['type'];
  return settings;
}

function optional<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}
