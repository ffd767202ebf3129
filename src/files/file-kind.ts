import type { Stats } from 'node:fs';

/** What a path turned out to be, in the words a user reads in an error message. */
export function fileKindOf(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Why a path that must be read as a file cannot be, or undefined for a regular file: a pipe or a
 * device never ends (or never starts), so reading one would hang or grow without bound.
 */
export function notRegularFileReason(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  return `is ${fileKindOf(stats)}, not a regular file`;
}
