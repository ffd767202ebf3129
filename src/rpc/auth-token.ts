import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/** The metadata key that carries the shared token, as `Bearer <token>`. */
export const TOKEN_METADATA_KEY = 'authorization';

/** Shorter tokens are guessable; `openssl rand -hex 32` gives 64 characters. */
const MIN_TOKEN_LENGTH = 16;

/** Reads a shared token: the file's first line, trimmed. */
export function readTokenFile(path: string, option: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`${option}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const token = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new InvalidArgumentError(
      `${option}: the token in ${path} must be at least ${MIN_TOKEN_LENGTH} characters, but it has ${token.length}`,
      'make one with `openssl rand -hex 32 > token`',
    );
  }
  return token;
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/**
 * Whether an `authorization` value carries the expected token, as `Bearer <token>`.
 */
export function tokenMatches(expected: string, header: string | undefined): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return secretMatches(expected, given);
}

/**
 * Whether `given` equals the secret `expected`. Both sides are hashed first so that the
 * comparison takes the same time whatever the lengths, and timingSafeEqual compares the digests
 * without stopping at the first difference.
 */
export function secretMatches(expected: string, given: string | undefined): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256')
    .update(given ?? '')
    .digest();
  return timingSafeEqual(a, b) && given !== undefined && given.length > 0;
}
