import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { formatBytes } from './byte-size.js';
import { notRegularFileReason } from './file-kind.js';
import { reasonOfErrno, UnreadableFileError } from './unreadable-file-error.js';

/**
 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; with it the
 * open returns at once and fstat then says what the path is. Symbolic links are followed (a
 * dataset is often linked into place), but the file they lead to is checked the same way.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function tooLarge(path: string, size: number, limit: number): UnreadableFileError {
  return new UnreadableFileError(path, `is ${formatBytes(size)}, more than the limit of ${formatBytes(limit)}`);
}

/**
 * A regular file's whole content, refused (UnreadableFileError) when the path is anything else
 * or holds more than `limit` bytes. The size is checked before reading, and at most limit + 1
 * bytes are read, so a file that grows meanwhile is refused too.
 */
export async function readBoundedFile(path: string, limit: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw new UnreadableFileError(path, reasonOfErrno(error));
  }
  try {
    const stats = await handle.stat();
    const refusal = notRegularFileReason(stats);
    if (refusal !== undefined) throw new UnreadableFileError(path, refusal);
    if (stats.size > limit) throw tooLarge(path, stats.size, limit);
    const buffer = Buffer.alloc(Math.min(stats.size, limit) + 1);
    let have = 0;
    while (have < buffer.length) {
      const { bytesRead } = await handle.read(buffer, have, buffer.length - have, have);
      if (bytesRead === 0) break;
      have += bytesRead;
    }
    if (have > limit) throw tooLarge(path, have, limit);
    return buffer.subarray(0, have);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(path, reasonOfErrno(error));
  } finally {
    await handle.close();
  }
}

/** The first and last bytes of a regular file, and its size. */
export interface FileEnds {
  readonly head: Buffer;
  readonly tail: Buffer;
  readonly size: number;
}

/**
 * Reads the first `headBytes` and the last `tailBytes` of a regular file, and its size,
 * synchronously: for a thread of its own (the coordinator's dataset checks), which then never
 * waits on the process's shared file-I/O pool. Refuses what readBoundedFile refuses.
 */
export function readFileEndsSync(path: string, headBytes: number, tailBytes: number, limit: number): FileEnds {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw new UnreadableFileError(path, reasonOfErrno(error));
  }
  try {
    const stats = fstatSync(fd);
    const refusal = notRegularFileReason(stats);
    if (refusal !== undefined) throw new UnreadableFileError(path, refusal);
    if (stats.size > limit) throw tooLarge(path, stats.size, limit);
    const head = Buffer.alloc(Math.min(headBytes, stats.size));
    const headRead = readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(tailBytes, stats.size));
    const tailRead = readSync(fd, tail, 0, tail.length, stats.size - tail.length);
    return { head: head.subarray(0, headRead), tail: tail.subarray(0, tailRead), size: stats.size };
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(path, reasonOfErrno(error));
  } finally {
    closeSync(fd);
  }
}
