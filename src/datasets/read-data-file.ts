import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from '../errors/data-error.js';
import { readBoundedFile } from '../files/read-bounded-file.js';
import { reasonOfErrno, UnreadableFileError } from '../files/unreadable-file-error.js';

/** Larger than any supported dataset file; a bigger path is a mistake (or a device), not data. */
export const DATA_FILE_LIMIT_BYTES = 2 ** 31;

const gunzipAsync = promisify(gunzip);

/** Files are recognised as gzip by their first two bytes, not by their name: `.gz` names lie. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's content, decompressed when it is gzip; DataError naming the path otherwise. */
export async function readDataFile(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(path, DATA_FILE_LIMIT_BYTES);
  } catch (error) {
    throw new DataError(`${path}: cannot read: ${error instanceof UnreadableFileError ? error.reason : reasonOfErrno(error)}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    // Asynchronous: on a coordinator, a synchronous inflate of 30 MB would stall its heartbeats.
    return await gunzipAsync(bytes, { maxOutputLength: DATA_FILE_LIMIT_BYTES });
  } catch (error) {
    throw new DataError(`${path}: corrupt gzip data: ${(error as Error).message}`);
  }
}
