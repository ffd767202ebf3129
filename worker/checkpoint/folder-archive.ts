import { lstat, mkdir, open, readdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * What a user's program leaves in SWEEPER_CHECKPOINT_DIR, as one checkpoint's bytes: "SWDR", a
 * format version, a JSON list of the files (path relative to the folder, size), then their bytes
 * one after another. Regular files only, in subfolders too; links and anything else are left out
 * (a link could name a file outside the folder). Bounded: a folder over `limit` bytes is refused.
 */
const MAGIC = Buffer.from('SWDR');
const VERSION = 1;
const PREAMBLE_BYTES = 12;

export interface FolderEntry {
  readonly path: string;
  readonly bytes: number;
}

/** A folder over the checkpoint limit, or one that cannot be read: no checkpoint is taken. */
export class FolderArchiveError extends Error {
  override readonly name = 'FolderArchiveError';
}

/** The folder's files as one archive; undefined when it holds none. */
export async function packFolder(root: string, limit: number): Promise<Uint8Array | undefined> {
  const entries: FolderEntry[] = [];
  const contents: Buffer[] = [];
  let total = 0;
  const visit = async (folder: string): Promise<void> => {
    for (const name of (await readdir(folder)).sort()) {
      const path = join(folder, name);
      const info = await lstat(path);
      if (info.isDirectory()) await visit(path);
      if (!info.isFile()) continue;
      total += info.size;
      if (total > limit) throw new FolderArchiveError(`${root} holds more than ${limit} bytes: too large for a checkpoint`);
      const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const data = await file.readFile();
        contents.push(data);
        entries.push({ path: relative(root, path).split(sep).join('/'), bytes: data.length });
      } finally {
        await file.close();
      }
    }
  };
  await visit(root);
  if (entries.length === 0) return undefined;
  const header = Buffer.from(JSON.stringify(entries));
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  MAGIC.copy(preamble, 0);
  preamble.writeUInt32LE(VERSION, 4);
  preamble.writeUInt32LE(header.length, 8);
  const archive = Buffer.concat([preamble, header, ...contents]);
  return new Uint8Array(archive.buffer, archive.byteOffset, archive.length);
}

/** Writes an archive's files into `root` (which should be empty); a damaged archive is refused before anything is written. */
export async function unpackFolder(archive: Uint8Array, root: string): Promise<FolderEntry[]> {
  const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  if (bytes.length < PREAMBLE_BYTES || !bytes.subarray(0, 4).equals(MAGIC) || bytes.readUInt32LE(4) !== VERSION)
    throw new FolderArchiveError('not a checkpoint folder archive (it does not start with "SWDR" version 1)');
  const headerBytes = bytes.readUInt32LE(8);
  let entries: FolderEntry[];
  try {
    entries = JSON.parse(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes).toString('utf8')) as FolderEntry[];
  } catch {
    throw new FolderArchiveError('the archive of a checkpoint folder has a damaged list of files');
  }
  let at = PREAMBLE_BYTES + headerBytes;
  const files: { path: string; data: Buffer }[] = [];
  for (const entry of entries) {
    const parts = typeof entry.path === 'string' ? entry.path.split('/') : [];
    if (parts.length === 0 || parts.some((part) => part === '' || part === '.' || part === '..') || !Number.isSafeInteger(entry.bytes))
      throw new FolderArchiveError(`the archive of a checkpoint folder names a file it may not: ${JSON.stringify(entry.path)}`);
    if (at + entry.bytes > bytes.length) throw new FolderArchiveError('the archive of a checkpoint folder is cut short');
    files.push({ path: join(root, ...parts), data: bytes.subarray(at, at + entry.bytes) });
    at += entry.bytes;
  }
  if (at !== bytes.length) throw new FolderArchiveError('the archive of a checkpoint folder has bytes after its last file');
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.data, { flag: 'wx' });
  }
  return entries;
}
