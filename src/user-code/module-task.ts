/**
 * A JavaScript module as a trial: `train(params, context)` exported by an ES module, called in a
 * worker's thread pool once per run (see docs/own-code.md for the contract).
 */
export interface ModuleTask {
  readonly type: 'module';
  /** An absolute file path, or a package name the worker resolves from its own folder. */
  readonly module: string;
  /** The exported function to call; `train` unless the sweep names another. */
  readonly export: string;
  /** The most epochs a run may report (more fail it), given as `context.epochs`; absent: no limit. */
  readonly epochs?: number;
  /** Seconds a run may take in all before it is aborted and FAILED; absent: no limit. */
  readonly timeoutSeconds?: number;
}
