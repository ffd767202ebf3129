import { constants, gunzipSync } from 'node:zlib';
import { DataError } from '../errors/data-error.js';
import { readFileEndsSync } from '../files/read-bounded-file.js';
import { UnreadableFileError } from '../files/unreadable-file-error.js';
import { DATA_FILE_LIMIT_BYTES, isGzip } from './read-data-file.js';

/** The first bytes and the total length of a file's content, without reading it all. */
export interface DataFileHead {
  readonly head: Buffer;
  readonly length: number;
}

/**
 * Compressed bytes inflated to find a gzip file's header: plenty for an IDX header, and at
 * most about 4 MB once inflated (deflate expands at most ~1,000 times), so the check stays small.
 */
const GZIP_HEAD_BYTES = 4096;

/**
 * The first `headBytes` of a file's (decompressed) content and its length, enough to check a
 * header against the file's size; synchronous, for a thread of its own: the file is opened O_NONBLOCK
 * and refused unless regular (readFileEndsSync), so a FIFO or a device never blocks the thread,
 * and nothing waits in the process's shared file-I/O pool. For gzip the length is the trailer's
 * ISIZE (the size modulo 2^32, exact for these datasets).
 */
export function readDataFileHeadSync(path: string, headBytes: number): DataFileHead {
  let ends;
  try {
    ends = readFileEndsSync(path, Math.max(headBytes, GZIP_HEAD_BYTES), 4, DATA_FILE_LIMIT_BYTES);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new DataError(`${path}: cannot read: ${error.reason}`);
    throw error;
  }
  if (!isGzip(ends.head)) return { head: ends.head.subarray(0, headBytes), length: ends.size };
  if (ends.size < 18) throw new DataError(`${path}: corrupt gzip data: ${ends.size} bytes is shorter than a gzip header and trailer`);
  let head: Buffer;
  try {
    // A sync flush returns what the partial input inflates to, instead of failing at its end.
    head = gunzipSync(ends.head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    throw new DataError(`${path}: corrupt gzip data: ${(error as Error).message}`);
  }
  return { head: head.subarray(0, headBytes), length: ends.tail.readUInt32LE(0) };
}
