/**
 * Where a store keeps checkpoints' bytes: files beside the store (never in its rows: a CNN's
 * checkpoint is 10 MB, and a database is no place for that), or this process's memory.
 */
export interface CheckpointBlobs {
  /** Writes the bytes under `name` whole or not at all, durably, before resolving. */
  write(name: string, data: Uint8Array): Promise<void>;
  /** The bytes under `name`, checked against their size and SHA-256 (CheckpointDamagedError if they differ). */
  read(name: string, bytes: number, sha256: string): Promise<Uint8Array>;
  /** Deletes them; a missing name is no error. */
  remove(name: string): Promise<void>;
  /**
   * Deletes the files of `folder` whose names `unwanted` picks: files no row names any more (a
   * process killed between writing a checkpoint and recording it, or while writing it).
   */
  sweep(folder: string, unwanted: (name: string) => boolean): Promise<void>;
}
