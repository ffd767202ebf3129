/**
 * A file that cannot be read as asked: missing, not a regular file, or over its size limit.
 * Callers turn it into the error of their domain (a ConfigError for a sweep file, a DataError
 * for a dataset), adding the field that named the path.
 */
export class UnreadableFileError extends Error {
  constructor(
    readonly path: string,
    /** e.g. "no such file", "is a FIFO (named pipe), not a regular file". */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

/** "no such file", "permission denied", ...: an errno as a user reads it. */
export function reasonOfErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a regular file';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return (error as Error).message;
}
