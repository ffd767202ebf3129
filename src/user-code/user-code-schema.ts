import { z } from 'zod';

/** Seconds in a year: longer limits are typing mistakes, and would overflow timers. */
const MAX_SECONDS = 365 * 24 * 3600;
const seconds = z.number().gt(0).max(MAX_SECONDS);
const epochs = z.number().int().min(1).max(100000);
/** An environment variable's name as POSIX shells accept it. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name of letters, digits and underscores');
/** NUL cannot be passed to exec; refusing it here keeps the failure at check time. */
const noNul = z.string().refine((text) => !text.includes('\0'), 'must not contain a NUL character');
/** GPUs one run holds; more than a machine has is refused by the worker that gets the run. */
export const MAX_GPUS_PER_RUN = 64;
const gpus = z.number().int().min(0).max(MAX_GPUS_PER_RUN);

/** A normalised command task, as the store keeps it and as it travels to workers. */
export const commandTaskSchema = z.strictObject({
  type: z.literal('command'),
  argv: z.array(noNul).min(1).max(4096),
  cwd: noNul.min(1).optional(),
  env: z.record(envName, noNul).optional(),
  epochs: epochs.optional(),
  timeoutSeconds: seconds.optional(),
  graceSeconds: z.number().min(0).max(3600),
  gpus: gpus.optional(),
});

/** A normalised module task, as the store keeps it and as it travels to workers. */
export const moduleTaskSchema = z.strictObject({
  type: z.literal('module'),
  module: noNul.min(1),
  export: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'a JavaScript export name'),
  epochs: epochs.optional(),
  timeoutSeconds: seconds.optional(),
});

/** A sweep file's `command:` section: the argv list alone, or a mapping with it under `argv`. */
export const commandSectionSchema = z.union([
  z.array(noNul).min(1).max(4096),
  z.strictObject({
    argv: z.array(noNul).min(1).max(4096),
    cwd: noNul.min(1).optional(),
    env: z.record(envName, z.union([noNul, z.number(), z.boolean()])).optional(),
    epochs: epochs.optional(),
    timeout: seconds.optional(),
    grace: z.number().min(0).max(3600).optional(),
    // Module tasks have no `resources:`: they run in threads of the worker's process, which share its devices.
    resources: z.strictObject({ gpus: gpus.optional() }).optional(),
  }),
]);

/** A sweep file's `module:` section: the module alone, or a mapping with it under `path`. */
export const moduleSectionSchema = z.union([
  noNul.min(1),
  z.strictObject({
    path: noNul.min(1),
    export: z
      .string()
      .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'a JavaScript export name')
      .optional(),
    epochs: epochs.optional(),
    timeout: seconds.optional(),
  }),
]);

export type CommandSection = z.output<typeof commandSectionSchema>;
export type ModuleSection = z.output<typeof moduleSectionSchema>;
