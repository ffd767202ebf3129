import { z } from 'zod';
import { syntheticTaskSchema } from '../synthetic/synthetic-task-schema.js';
import { trainingTaskSchema } from '../training/training-task-schema.js';
import { commandTaskSchema, moduleTaskSchema } from '../user-code/user-code-schema.js';

/** A normalised sweep task of any kind; `type` picks the schema, so problems name its fields. */
export const sweepTaskSchema = z.discriminatedUnion('type', [trainingTaskSchema, commandTaskSchema, moduleTaskSchema, syntheticTaskSchema]);
