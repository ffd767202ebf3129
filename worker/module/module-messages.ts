import type { MessagePort } from 'node:worker_threads';
import type { EpochDecision } from '../../src/execution/run-assignment.js';
import type { ParamValues } from '../../src/space/param-spec.js';

/** What the pool hands a module thread for one run. */
export interface ModuleThreadTask {
  /** The task's `module`: an absolute file path, or a package name resolved from `resolveFrom`. */
  readonly module: string;
  readonly exportName: string;
  /** The folder package names are resolved from (the worker's current directory by default). */
  readonly resolveFrom: string;
  readonly params: ParamValues;
  readonly context: ModuleContextFields;
  readonly port: MessagePort;
}

/** The plain fields of a module's `context` (report and signal are added in the thread). */
export interface ModuleContextFields {
  readonly seed: number;
  readonly repeat: number;
  readonly trial: number;
  readonly study: string;
  readonly epochs: number | undefined;
  /** The run's checkpoint folder (SWEEPER_CHECKPOINT_DIR for a command), when the sweep saves checkpoints. */
  readonly checkpointDir?: string;
  /** The epoch whose checkpoint the folder holds: the module goes on from the next. */
  readonly resumeEpoch?: number;
}

/**
 * Thread to pool. `started` is sent once, before train is called, so that neither the wait for a
 * free thread nor the module's import counts towards the run's timeout. `done` travels on the same port as the reports, so it never overtakes one.
 * `threw` carries the error's text because an Error loses its class crossing threads.
 */
export type ModuleThreadMessage =
  /** The module is loaded and train is being called: the run's timeout counts from here. */
  | { readonly type: 'started' }
  | { readonly type: 'report'; readonly id: number; readonly epoch: unknown; readonly metrics: unknown }
  | {
      readonly type: 'done';
      readonly result: { readonly status: 'returned' } | { readonly status: 'threw'; readonly message: string; readonly stack?: string };
    };

/** Pool to thread: the answer to report `id` (a decision, or the problem that fails the run), or a stop. */
export type ModulePoolMessage =
  | { readonly type: 'decision'; readonly id: number; readonly decision: EpochDecision }
  | { readonly type: 'refused'; readonly id: number; readonly problem: string }
  | { readonly type: 'abort'; readonly reason: string };
