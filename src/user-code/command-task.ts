/**
 * The user's own program as a trial: one process per run, started from `argv` after its
 * `${name}` templates are filled with the trial's parameters (see argv-template.ts). It reports
 * epochs on a pipe (report-protocol.ts) and learns the coordinator's decision on another.
 */
export interface CommandTask {
  readonly type: 'command';
  /** Program and arguments, with `${name}` / `${name?}` templates; argv[0] is looked up on PATH. */
  readonly argv: readonly string[];
  /** Absolute working directory on the worker; absent: the worker's own. */
  readonly cwd?: string;
  /** Added to the worker's environment (which the child otherwise inherits). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The most epochs a run may report (more fail it), given to the program as SWEEPER_EPOCHS;
   * absent: the program decides alone.
   */
  readonly epochs?: number;
  /** Seconds a run may take in all before it is stopped and FAILED; absent: no limit. */
  readonly timeoutSeconds?: number;
  /** Seconds between SIGTERM and SIGKILL when a run is stopped and does not exit by itself. */
  readonly graceSeconds: number;
  /**
   * Devices each run holds (`resources: { gpus: N }`): the worker waits until N of its devices
   * are free and gives the run those in CUDA_VISIBLE_DEVICES. Absent or 0: none.
   */
  readonly gpus?: number;
}

/** Long enough for a training script to save a checkpoint, short enough not to hold a slot. */
export const DEFAULT_GRACE_SECONDS = 10;
