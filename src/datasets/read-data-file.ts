import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from '../errors/data-error.js';
import { readBoundedFile } from '../files/read-bounded-file.js';
import { UnreadableFileError } from '../files/unreadable-file-error.js';

/** Larger than any supported dataset file; a bigger path is a mistake (or a device), not data. */
export const DATA_FILE_LIMIT_BYTES = 2 ** 31;

const gunzipAsync = promisify(gunzip);

/** Files are recognised as gzip by their first two bytes, not by their name: `.gz` names lie. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** "no such file", "permission denied", ...: the errno as a user reads it. */
function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  return (error as Error).message;
}

/** The file's content, decompressed when it is gzip; DataError naming the path otherwise. */
export async function readDataFile(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(path, DATA_FILE_LIMIT_BYTES);
  } catch (error) {
    throw new DataError(`${path}: cannot read: ${error instanceof UnreadableFileError ? error.reason : reasonOf(error)}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    // Asynchronous: on a coordinator, a synchronous inflate of 30 MB would stall its heartbeats.
    return await gunzipAsync(bytes, { maxOutputLength: DATA_FILE_LIMIT_BYTES });
  } catch (error) {
    throw new DataError(`${path}: corrupt gzip data: ${(error as Error).message}`);
  }
}

/** The first bytes and the total length of a file's content, without reading it all. */
export interface DataFileHead {
  readonly head: Buffer;
  readonly length: number;
}

/**
 * Reads the first `headBytes` of the (decompressed) content and its length: enough to check a
 * header against the file size cheaply, as the coordinator does before accepting a sweep. For
 * gzip the length is the trailer's ISIZE (the size modulo 2^32, exact for these datasets).
 */
export async function readDataFileHead(path: string, headBytes: number): Promise<DataFileHead> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO opens at once (and is refused below) instead of waiting for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new DataError(`${path}: cannot read: ${reasonOf(error)}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new DataError(`${path}: cannot read: is a directory or device, expected a file`);
    const size = stats.size;
    const start = Buffer.alloc(Math.min(size, Math.max(headBytes, 2)));
    await handle.read(start, 0, start.length, 0);
    if (!isGzip(start)) return { head: start.subarray(0, headBytes), length: size };
    if (size < 18) throw new DataError(`${path}: corrupt gzip data: ${size} bytes is shorter than a gzip header and trailer`);
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    return { head: await gunzipHead(handle.createReadStream({ start: 0, autoClose: false }), path, headBytes), length: trailer.readUInt32LE(0) };
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${path}: cannot read: ${reasonOf(error)}`);
  } finally {
    await handle.close();
  }
}

async function gunzipHead(input: NodeJS.ReadableStream, path: string, headBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  const inflate = createGunzip();
  input.pipe(inflate);
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= headBytes) break;
    }
  } catch (error) {
    throw new DataError(`${path}: corrupt gzip data: ${(error as Error).message}`);
  } finally {
    input.unpipe(inflate);
    inflate.destroy();
  }
  return Buffer.concat(chunks).subarray(0, headBytes);
}
