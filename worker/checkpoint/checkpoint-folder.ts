import { sha256Hex } from '../../src/files/sha256.js';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { CheckpointPlan, RunAssignment } from '../../src/execution/run-assignment.js';
import type { RunListener } from '../../src/execution/trial-executor.js';
import { MAX_CHECKPOINT_BYTES } from '../../src/wire/run-codec.js';
import { packFolder, unpackFolder } from './folder-archive.js';

/** The variables that tell a user's program where its checkpoint goes, and where it goes on from. */
export const CHECKPOINT_DIR_VARIABLE = 'SWEEPER_CHECKPOINT_DIR';
export const RESUME_EPOCH_VARIABLE = 'SWEEPER_RESUME_EPOCH';

/**
 * The folder a user's program (command:) or module (module:) keeps its checkpoint in, one per
 * run on its worker. Before the run, the checkpoint it goes on from is unpacked into it; after
 * each epoch report the worker packs what the folder holds and sends it to be kept (when it
 * changed: a program that saves every 5 epochs is shipped every 5 epochs, labelled with the epoch
 * whose report came after the save). The program saves before it reports the epoch, so what the
 * folder holds at a report is the state after that epoch.
 */
export class CheckpointFolder {
  /** The epoch the run goes on from; undefined when it starts from its first. */
  resumedEpoch: number | undefined;
  private lastHash: string | undefined;

  private constructor(
    readonly path: string,
    private readonly plan: CheckpointPlan,
  ) {}

  /**
   * An empty folder at `path` for the run, holding the checkpoint it goes on from if it has one.
   * A checkpoint that cannot be had or unpacked is logged, and the run starts from its first
   * epoch (it reports the same epochs again, later): never a failed run.
   */
  static async prepare(
    path: string,
    assignment: RunAssignment,
    listener: RunListener,
    logger?: Logger,
  ): Promise<CheckpointFolder | undefined> {
    const plan = assignment.checkpoint;
    if (!plan) return undefined;
    const folder = new CheckpointFolder(path, plan);
    // Synchronously (tens of microseconds for an empty folder): every command run pays this, and
    // a round trip through libuv's thread pool behind the other runs' spawns costs far more.
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path, { recursive: true });
    if (plan.resume && listener.loadCheckpoint) {
      try {
        const data = await listener.loadCheckpoint();
        await unpackFolder(data, path);
        folder.resumedEpoch = plan.resume.epoch;
        folder.lastHash = sha256Hex(data);
      } catch (error) {
        logger?.warn(
          { trial: assignment.trialNumber, repeat: assignment.repeat, reason: (error as Error).message },
          'the checkpoint to go on from could not be had: the run starts from its first epoch',
        );
        await rm(path, { recursive: true, force: true });
        await mkdir(path, { recursive: true });
      }
    }
    return folder;
  }

  /** The variables of the run's environment. */
  environment(): Record<string, string> {
    return {
      [CHECKPOINT_DIR_VARIABLE]: this.path,
      ...(this.resumedEpoch !== undefined && { [RESUME_EPOCH_VARIABLE]: String(this.resumedEpoch) }),
    };
  }

  /** What the folder holds after `epoch`'s report, with its SHA-256, when it is to be sent: an `every`-th epoch, and changed. */
  async snapshot(epoch: number): Promise<{ data: Uint8Array; sha256: string } | undefined> {
    if (epoch % this.plan.every !== 0) return undefined;
    // Most programs save nothing here: an empty folder costs one synchronous look, no archive.
    if (readdirSync(this.path).length === 0) return undefined;
    const data = await packFolder(this.path, MAX_CHECKPOINT_BYTES);
    if (!data) return undefined;
    const sha256 = sha256Hex(data);
    if (sha256 === this.lastHash) return undefined;
    this.lastHash = sha256;
    return { data, sha256 };
  }

  /** Synchronously, as the folder was made: usually empty, or a checkpoint already sent. */
  remove(): Promise<void> {
    rmSync(this.path, { recursive: true, force: true });
    return Promise.resolve();
  }
}
