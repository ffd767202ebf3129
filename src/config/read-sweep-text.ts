import { ConfigError } from '../errors/config-error.js';
import { readBoundedFile } from '../files/read-bounded-file.js';
import { UnreadableFileError } from '../files/unreadable-file-error.js';
import { SWEEP_FILE_LIMIT_BYTES } from './sweep-file-limit.js';

/**
 * A sweep file's text: only a regular file (a FIFO or /dev/zero would hang or grow without
 * bound), at most SWEEP_FILE_LIMIT_BYTES, and valid UTF-8; ConfigError naming the file otherwise.
 */
export async function readSweepText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(path, SWEEP_FILE_LIMIT_BYTES);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new ConfigError(path, [{ field: '', message: `cannot read the sweep file: ${error.reason}` }]);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(path, [{ field: '', message: 'the sweep file is not UTF-8 text' }]);
  }
}
