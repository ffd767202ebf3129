import { sha256Hex } from '../../files/sha256.js';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SweeperError } from '../../errors/sweeper-error.js';
import type { CheckpointBlobs } from './checkpoint-blobs.js';
import { CheckpointDamagedError } from './checkpoint-damaged-error.js';

/**
 * Checkpoints as files in a folder beside the store (`<store>.checkpoints/`). A file is written
 * under a temporary name, flushed to the disk, then renamed over its name and the folder flushed:
 * a crash or a full disk leaves the old checkpoint or the new one, never half of one. Folders
 * take the permission bits of the folder holding the store, files the same without execution.
 */
export class DirectoryBlobs implements CheckpointBlobs {
  constructor(
    readonly root: string,
    /** The store's folder, whose permission bits the checkpoint folders copy. */
    private readonly storeFolder: string,
  ) {}

  /** The folder beside a store file. */
  static beside(storePath: string): DirectoryBlobs {
    return new DirectoryBlobs(`${storePath}.checkpoints`, dirname(storePath));
  }

  async write(name: string, data: Uint8Array): Promise<void> {
    const path = this.pathOf(name);
    const folder = dirname(path);
    const mode = (await stat(this.storeFolder)).mode & 0o777;
    await this.folder(this.root, mode);
    await this.folder(folder, mode);
    const temporary = `${path}.${randomUUID().slice(0, 8)}.tmp`;
    const file = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o666);
    try {
      await file.writeFile(data);
      await file.datasync();
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    await rename(temporary, path);
    await syncFolder(folder);
  }

  async read(name: string, bytes: number, sha256: string): Promise<Uint8Array> {
    const path = this.pathOf(name);
    let data: Buffer;
    try {
      // O_NOFOLLOW and the size check first: a link or a huge file put in its place is refused unread.
      const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const info = await file.stat();
        if (!info.isFile()) throw new CheckpointDamagedError(`checkpoint ${path} is not a regular file`);
        if (info.size !== bytes) throw new CheckpointDamagedError(`checkpoint ${path} has ${info.size} bytes, but ${bytes} were stored`);
        data = await file.readFile();
      } finally {
        await file.close();
      }
    } catch (error) {
      if (error instanceof CheckpointDamagedError) throw error;
      throw new CheckpointDamagedError(`checkpoint ${path} cannot be read: ${(error as Error).message}`);
    }
    if (data.length !== bytes || sha256Hex(data) !== sha256)
      throw new CheckpointDamagedError(`checkpoint ${path} is damaged: its SHA-256 is not the one stored`);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  }

  async remove(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }

  async sweep(folder: string, unwanted: (name: string) => boolean): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.pathOf(folder));
    } catch {
      return; // no checkpoint was ever written there
    }
    for (const name of names) if (unwanted(name)) await rm(join(this.pathOf(folder), name), { force: true });
  }

  private pathOf(name: string): string {
    // Names are made by checkpointName, never by a user; this keeps a bug from writing elsewhere.
    if (name.split('/').some((part) => part === '' || part === '.' || part === '..'))
      throw new TypeError(`not a checkpoint name: ${JSON.stringify(name)}`);
    return join(this.root, name);
  }

  /** Makes the folder if needed; a symbolic link or a file in its place is refused. */
  private async folder(path: string, mode: number): Promise<void> {
    await mkdir(path, { mode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const info = await lstat(path);
    if (!info.isDirectory())
      throw new SweeperError(
        'FAILED_PRECONDITION',
        `${path} is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: sweeper keeps checkpoints only in a folder of its own`,
      );
  }
}

async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, constants.O_RDONLY);
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
