import { sha256Hex } from '../../files/sha256.js';
import type { CheckpointBlobs } from './checkpoint-blobs.js';
import { CheckpointDamagedError } from './checkpoint-damaged-error.js';

/** Checkpoints held in this process (the in-memory store, a `:memory:` SQLite store). */
export class MemoryBlobs implements CheckpointBlobs {
  private readonly blobs = new Map<string, Uint8Array>();

  write(name: string, data: Uint8Array): Promise<void> {
    this.blobs.set(name, new Uint8Array(data));
    return Promise.resolve();
  }

  read(name: string, bytes: number, sha256: string): Promise<Uint8Array> {
    const data = this.blobs.get(name);
    if (!data) return Promise.reject(new CheckpointDamagedError(`checkpoint ${name} is missing`));
    if (data.length !== bytes || sha256Hex(data) !== sha256)
      return Promise.reject(new CheckpointDamagedError(`checkpoint ${name} is damaged: its bytes are not those stored`));
    return Promise.resolve(new Uint8Array(data));
  }

  remove(name: string): Promise<void> {
    this.blobs.delete(name);
    return Promise.resolve();
  }

  sweep(folder: string, unwanted: (name: string) => boolean): Promise<void> {
    for (const name of this.blobs.keys())
      if (name.startsWith(`${folder}/`) && unwanted(name.slice(folder.length + 1))) this.blobs.delete(name);
    return Promise.resolve();
  }
}
