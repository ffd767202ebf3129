import { z } from 'zod';
import type { PathProblem } from '../errors/path-problem.js';
import type { ParamValue, SearchSpaceDefinition } from '../space/param-spec.js';
import { paramValueSchema } from '../space/space-schema.js';
import { valueProblem } from '../space/value-problem.js';
import { defaultOptimum, syntheticScale } from './synthetic-optimum.js';
import { MAX_EPOCH_SECONDS, type SyntheticScale, type SyntheticTask } from './synthetic-task.js';

/** A sweep file's `synthetic:` section, which replaces `dataset:`, `model:` and `training:`. */
export const syntheticSectionSchema = z.strictObject({
  epochs: z.number().int().min(1).max(100000),
  epoch_seconds: z.number().min(0).max(MAX_EPOCH_SECONDS).optional(),
  noise: z.number().min(0).optional(),
  optimum: z.record(z.string(), paramValueSchema).optional(),
});

export type SyntheticSection = z.output<typeof syntheticSectionSchema>;

/**
 * The normalised task of a `synthetic:` section: every parameter of the space gets its scale
 * and an optimum, the file's or the default one. The file's optimum must name parameters of the
 * space and give values they can take; problems are reported under `synthetic.optimum`.
 */
export function syntheticTaskFromSection(
  section: SyntheticSection,
  space: SearchSpaceDefinition,
): { task: SyntheticTask } | { problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  for (const [name, value] of Object.entries(section.optimum ?? {})) {
    const path = ['synthetic', 'optimum', name];
    const param = space[name];
    if (param === undefined) {
      problems.push({ path, message: `is not a parameter of the space (expected one of: ${Object.keys(space).join(', ')})` });
      continue;
    }
    const problem = valueProblem(param, value);
    if (problem !== undefined) problems.push({ path, message: `${problem} (as a value of ${name})` });
  }
  if (problems.length > 0) return { problems };

  const optimum: Record<string, ParamValue> = {};
  const scales: Record<string, SyntheticScale> = {};
  for (const [name, param] of Object.entries(space)) {
    optimum[name] = section.optimum?.[name] ?? defaultOptimum(param);
    scales[name] = syntheticScale(param);
  }
  return {
    task: {
      type: 'synthetic',
      epochs: section.epochs,
      epochSeconds: section.epoch_seconds ?? 0,
      noise: section.noise ?? 0,
      optimum,
      scales,
    },
  };
}
