import { z } from 'zod';
import { paramValueSchema } from '../space/space-schema.js';
import { MAX_EPOCH_SECONDS } from './synthetic-task.js';

const finite = z.number().finite();

const scaleSchema = z.union([
  z.strictObject({ low: finite, high: finite, log: z.boolean() }),
  z.strictObject({ choices: z.array(paramValueSchema).min(1) }),
]);

/**
 * A normalised synthetic task, as the store keeps it and as it travels to workers. Besides the
 * shape, it checks what the loss relies on: sensible ranges, and an optimum of the right kind
 * for every parameter, so that a worker never evaluates a task it cannot score.
 */
export const syntheticTaskSchema = z
  .strictObject({
    type: z.literal('synthetic'),
    epochs: z.number().int().min(1),
    epochSeconds: finite.min(0).max(MAX_EPOCH_SECONDS),
    noise: finite.min(0),
    optimum: z.record(z.string(), paramValueSchema),
    scales: z.record(z.string(), scaleSchema),
  })
  .check((context) => {
    // Only between valid values: a bad field already has its own issue.
    if (context.issues.length > 0) return;
    const { optimum, scales } = context.value;
    const issue = (path: (string | number)[], input: unknown, message: string): void => {
      context.issues.push({ code: 'custom', input, path, message });
    };
    for (const [name, scale] of Object.entries(scales)) {
      const value = optimum[name];
      if (value === undefined) {
        issue(['optimum', name], value, 'is required: every parameter of scales needs an optimum');
      } else if ('choices' in scale) {
        if (!scale.choices.includes(value))
          issue(
            ['optimum', name],
            value,
            `must be one of ${scale.choices.map((c) => JSON.stringify(c)).join(', ')}, but got ${JSON.stringify(value)}`,
          );
      } else {
        if (scale.low >= scale.high) issue(['scales', name, 'low'], scale.low, `must be < high (${scale.high}), but got ${scale.low}`);
        if (scale.log && scale.low <= 0) issue(['scales', name, 'low'], scale.low, `must be > 0 on a log scale, but got ${scale.low}`);
        if (typeof value !== 'number' || (scale.log && value <= 0)) {
          issue(['optimum', name], value, `must be a ${scale.log ? 'positive ' : ''}number, but got ${JSON.stringify(value)}`);
        }
      }
    }
    for (const name of Object.keys(optimum)) {
      if (!(name in scales))
        issue(['optimum', name], optimum[name], `is not a parameter of scales (expected one of: ${Object.keys(scales).join(', ')})`);
    }
  });
