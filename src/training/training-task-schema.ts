import { z } from 'zod';
import { DATASET_NAMES } from '../datasets/dataset-spec.js';
import { MODEL_KNOBS, TRAINING_KNOBS } from './knobs.js';

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
  model: z.strictObject({ type: z.literal('mlp'), ...MODEL_KNOBS }),
  training: z.strictObject({ epochs: z.number().int().min(1), ...TRAINING_KNOBS }),
});
