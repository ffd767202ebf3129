/** What went wrong with a trial store's file, whatever name its backend gave it. */
export const STORE_FAILURES = [
  'DISK_FULL',
  'READ_ONLY',
  'DAMAGED',
  'NOT_A_STORE',
  'LOCKED',
  'IO_ERROR',
  'CANNOT_OPEN',
  'NEEDS_UPGRADE',
] as const;
export type StoreFailure = (typeof STORE_FAILURES)[number];

/**
 * Why a library error was raised, beyond its code: a store's failures, and the refusals of its
 * contract that a user can act on (a study name taken, a study or trial not there, a study run
 * by another process, a path that is no store file, a store newer than this code, a coordinator
 * whose lead another one took).
 */
export const ERROR_REASONS = [
  ...STORE_FAILURES,
  'STUDY_EXISTS',
  'NO_SUCH_STUDY',
  'NO_SUCH_TRIAL',
  'STUDY_OWNED',
  'NOT_A_STORE_FILE',
  'NEWER_SCHEMA',
  'FENCED',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/**
 * What an error is about, apart from its words. The library raises errors with these facts and
 * no advice, so that any backend can raise them; each front end (the CLI) chooses its advice from
 * them, and the gRPC boundary carries them to a client.
 */
export interface ErrorFacts {
  readonly reason: ErrorReason;
  readonly study?: string;
  /** The store's file, for a backend that has one. */
  readonly path?: string;
}

/** Facts read back from text (the wire), or undefined when they are not facts. */
export function parseErrorFacts(text: string): ErrorFacts | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { reason, study, path } = value as Record<string, unknown>;
  if (!(ERROR_REASONS as readonly unknown[]).includes(reason)) return undefined;
  if ((study !== undefined && typeof study !== 'string') || (path !== undefined && typeof path !== 'string')) return undefined;
  return { reason: reason as ErrorReason, ...(study !== undefined && { study }), ...(path !== undefined && { path }) };
}
