import type { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { formatPath } from '../errors/path-problem.js';
import { zodProblems } from '../validation/zod-problems.js';

/** Parses a value that came off the wire; a failure names `what`, each bad field and what was expected. */
export function checkWire<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(schema, value, parsed.error.issues).map((p) =>
    p.path.length > 0 ? `${formatPath(p.path)}: ${p.message}` : p.message,
  );
  throw new InvalidArgumentError(`${what}: ${problems.join('; ')}`);
}
