import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { DIRECTIONS } from '../core/direction.js';
import { ConfigError } from '../errors/config-error.js';
import { formatPath, type PathProblem } from '../errors/path-problem.js';
import { samplerSeed } from '../random/seed-streams.js';
import { samplerSectionSchema, samplerSpecFromSection } from '../samplers/sampler-schema.js';
import { checkSearchSpace } from '../space/check-search-space.js';
import { userSearchSpaceSchema } from '../space/space-schema.js';
import { inheritedNameProblems } from '../validation/inherited-names.js';
import { zodProblems } from '../validation/zod-problems.js';
import type { StudyDefinition } from '../store/study-definition.js';

export const studyNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a name of letters, digits, "_", "." and "-"');

/** A study created from code (ask/tell): the same search-space format as a sweep file's `space:`. */
export const studyOptionsSchema = z.strictObject({
  name: studyNameSchema,
  description: z.string().optional(),
  space: userSearchSpaceSchema,
  direction: z.enum(DIRECTIONS),
  metric: z.string().min(1).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  /** The same settings as a sweep file's `sampler:`; TPE when absent. */
  sampler: samplerSectionSchema.optional(),
  budget: z.strictObject({ trials: z.number().int().min(1).optional(), maxConcurrent: z.number().int().min(1).optional() }).optional(),
});

export type StudyOptions = z.input<typeof studyOptionsSchema>;

/** Checks API options like a sweep file, and normalises them to the stored definition. */
export function studyDefinitionFromOptions(options: unknown): StudyDefinition {
  const parsed = studyOptionsSchema.safeParse(options);
  const fail = (problems: readonly PathProblem[]): never => {
    throw new ConfigError(
      'study options',
      problems.map((p) => ({ field: formatPath(p.path), message: p.message })),
    );
  };
  const inherited = inheritedNameProblems(options);
  if (inherited.length > 0) return fail(inherited);
  if (!parsed.success) return fail(zodProblems(studyOptionsSchema, options, parsed.error.issues));
  const checked = checkSearchSpace(parsed.data.space);
  if (!checked.space) return fail(checked.problems.map((p) => ({ ...p, path: ['space', ...p.path] })));
  const { data } = parsed;
  const seed = data.seed ?? randomInt(2 ** 31);
  return {
    name: data.name,
    ...(data.description !== undefined && { description: data.description }),
    space: checked.space,
    objective: { metric: data.metric ?? 'value', direction: data.direction },
    sampler: samplerSpecFromSection(data.sampler, samplerSeed(seed)),
    budget: data.budget ?? {},
    repeats: 1,
    seed,
  };
}
