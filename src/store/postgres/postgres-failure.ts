import { AlreadyExistsError } from '../../errors/already-exists-error.js';
import { InvalidStateError } from '../../errors/invalid-state-error.js';
import { StoreError } from '../../errors/store-error.js';
import { SweeperError } from '../../errors/sweeper-error.js';

/** The SQLSTATE every trigger of the schema raises (postgres/migrations.ts): an invariant refused a write. */
export const INVARIANT_REFUSED = 'SW001';

/** SQLSTATEs after which the same transaction, run again, may well succeed. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/** Socket errors of a connection that went away (server restarted, network cut). */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The server is out of reach or going away: the connection was refused or cut, the server is
 * shutting down or starting (57P01-57P03), or it dropped the connection (class 08). A write
 * that met this before its COMMIT was sent never happened and can be run again.
 */
export function isConnectionLost(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (SOCKET_ERRORS.has(code) || /^(08|57P0[123])/.test(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection (is )?closed|Client has encountered a connection error/i.test(message);
}

export function isRetryable(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && RETRYABLE.has(code);
}

/**
 * PostgreSQL's errors as the user should read them: the store's own refusals become the errors
 * the code raises itself, the server's failures a StoreError naming the database (never its
 * password); anything else (a bug) is returned as it is.
 */
export function translatePostgresError(error: unknown, location: string): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (error instanceof SweeperError) return error;
  const code = codeOf(error);
  if (code === INVARIANT_REFUSED) return new InvalidStateError(error.message);
  if (code === '23505' && /studies_name_key/.test(error.message))
    return new AlreadyExistsError(`a study of that name already exists in ${location}`);
  if (code === '53100')
    return new StoreError('DISK_FULL', location, `the disk of the database server holding ${location} is full: ${error.message}`);
  if (code === '25006') return new StoreError('READ_ONLY', location, `the trial store ${location} is read-only: ${error.message}`);
  if (code === '28P01' || code === '28000' || code === '3D000' || code === '42501')
    return new StoreError('CANNOT_OPEN', location, `cannot open the trial store ${location}: ${error.message}`);
  if (isConnectionLost(error))
    return new StoreError('IO_ERROR', location, `the database server of ${location} cannot be reached: ${error.message}`);
  return error;
}
