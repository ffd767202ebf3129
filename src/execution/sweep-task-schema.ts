import { z } from 'zod';
import { syntheticTaskSchema } from '../synthetic/synthetic-task-schema.js';
import { trainingTaskSchema } from '../training/training-task-schema.js';

/** A normalised sweep task of either kind; `type` picks the schema, so problems name its fields. */
export const sweepTaskSchema = z.discriminatedUnion('type', [trainingTaskSchema, syntheticTaskSchema]);
