import { z } from 'zod';
import { DIRECTIONS } from '../core/direction.js';
import { DATASET_NAMES } from '../datasets/dataset-spec.js';
import { earlyStoppingSectionSchema, prunerSectionSchema } from '../pruners/pruner-schema.js';
import { samplerSectionSchema } from '../samplers/sampler-schema.js';
import { schedulerSectionSchema } from '../population/scheduler-schema.js';
import { userSearchSpaceSchema } from '../space/space-schema.js';
import { syntheticSectionSchema } from '../synthetic/synthetic-section.js';
import { MAX_DEPTH, MODEL_SETTINGS, TRAINING_SETTINGS } from '../training/settings.js';
import { METRIC_NAME } from '../core/metrics.js';
import { studyNameSchema } from '../study/study-options.js';
import { commandSectionSchema, moduleSectionSchema } from '../user-code/user-code-schema.js';

/** A fraction in (0, 1) or a whole count of examples. */
const share = z.union([z.number().gt(0).lt(1), z.number().int().min(0)]);

const filePath = z.string().min(1);

/** Explicit data files; which keys suit which dataset is checked in dataset-section.ts. */
const datasetFilesSchema = z.strictObject({
  train_images: filePath.optional(),
  train_labels: filePath.optional(),
  test_images: filePath.optional(),
  test_labels: filePath.optional(),
  train_batches: z.array(filePath).min(1).optional(),
  test_batch: filePath.optional(),
});

const datasetSchema = z.strictObject({
  name: z.enum(DATASET_NAMES),
  dir: filePath.optional(),
  files: datasetFilesSchema.optional(),
  validation: share,
  test: share.optional(),
  limit: z.number().int().min(10).optional(),
  seed: z.number().int().min(0).optional(),
});

const modelSchema = z.strictObject({
  ...partial(MODEL_SETTINGS),
  /** One width per hidden layer, for width_1, width_2, ...; `model-section.ts` explains. */
  widths: z.array(MODEL_SETTINGS.width).min(1).max(MAX_DEPTH).optional(),
});

const trainingSchema = z.strictObject({
  epochs: z.number().int().min(1).max(100000),
  ...partial(TRAINING_SETTINGS),
});

/**
 * The sweep file format; docs/sweep-files.md documents each field. A sweep trains a model
 * (`dataset:` and `training:`, optionally `model:`), runs the user's program (`command:`) or
 * JavaScript module (`module:`), or runs the synthetic task (`synthetic:`); `taskSections` checks
 * that it does exactly one, with a message zod's union errors could not give.
 */
export const sweepFileSchema = z.strictObject({
  study: studyNameSchema,
  description: z.string().optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  dataset: datasetSchema.optional(),
  model: modelSchema.optional(),
  training: trainingSchema.optional(),
  synthetic: syntheticSectionSchema.optional(),
  command: commandSectionSchema.optional(),
  module: moduleSectionSchema.optional(),
  space: userSearchSpaceSchema,
  sampler: samplerSectionSchema.optional(),
  pruner: prunerSectionSchema.optional(),
  early_stopping: earlyStoppingSectionSchema.optional(),
  scheduler: schedulerSectionSchema.optional(),
  budget: z
    .strictObject({
      trials: z.number().int().min(1).optional(),
      max_concurrent: z.number().int().min(1).optional(),
    })
    .optional(),
  objective: z
    .strictObject({
      // Built-in training and the synthetic task report METRICS; a command or module may report
      // any metric, so its name is checked against the task in load-sweep-file.ts.
      metric: z.string().regex(METRIC_NAME, 'a metric name of lower-case letters, digits and underscores'),
      direction: z.enum(DIRECTIONS),
    })
    .optional(),
  repeats: z.number().int().min(1).max(100).optional(),
  checkpoint: z
    .strictObject({
      every: z.number().int().min(0).max(100_000).optional(),
      keep: z.number().int().min(0).max(100_000).optional(),
    })
    .optional(),
  /** Seconds a run may go without reporting an epoch before its attempt is given up. */
  run_timeout: z
    .number()
    .gt(0)
    .max(365 * 24 * 3600)
    .optional(),
});

export type SweepFile = z.output<typeof sweepFileSchema>;

function partial<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}
