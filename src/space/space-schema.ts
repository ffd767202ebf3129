import { z } from 'zod';

/**
 * The search space as users write it, in a sweep file (YAML) or through the API (objects).
 * Structural checks live here; relations between fields (low < high, conditions that name real
 * parameters) are checked by `checkSearchSpace`, which can report them all at once.
 */
export const paramValueSchema = z.union([z.string(), z.number(), z.boolean()]);

const conditionSchema = z.record(z.string(), z.union([paramValueSchema, z.array(paramValueSchema).min(1).readonly()]));

const finite = z.number().finite();

export const floatParamSchema = z.strictObject({
  type: z.literal('float'),
  low: finite,
  high: finite,
  log: z.boolean().optional(),
  step: finite.positive().optional(),
  when: conditionSchema.optional(),
});

export const intParamSchema = z.strictObject({
  type: z.literal('int'),
  low: z.number().int(),
  high: z.number().int(),
  log: z.boolean().optional(),
  step: z.number().int().positive().optional(),
  when: conditionSchema.optional(),
});

export const categoricalParamSchema = z.strictObject({
  type: z.literal('categorical'),
  choices: z.array(paramValueSchema).min(1).readonly(),
  when: conditionSchema.optional(),
});

export const paramSpecSchema = z.discriminatedUnion('type', [floatParamSchema, intParamSchema, categoricalParamSchema]);

export const searchSpaceSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a parameter name of letters, digits and underscores'),
  paramSpecSchema,
);

/**
 * A space as a user writes it: with no parameter, every trial would run the same settings, so
 * a sweep of them only repeats one run. (Stored spaces are read with `searchSpaceSchema`.)
 */
export const userSearchSpaceSchema = searchSpaceSchema.refine((space) => Object.keys(space).length > 0, {
  message: 'needs at least one parameter: with none, every trial would run the same settings',
});

export type ParamSpecInput = z.input<typeof paramSpecSchema>;
export type SearchSpaceInput = z.input<typeof searchSpaceSchema>;
