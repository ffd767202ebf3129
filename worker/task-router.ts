import { availableParallelism } from 'node:os';
import type { RunAssignment, RunEnd, RunKey } from '../src/execution/run-assignment.js';
import type { RunListener } from '../src/execution/trial-executor.js';
import { DeviceAllocator } from './devices/device-allocator.js';
import { CommandExecutor } from './command/command-executor.js';
import { InProcessExecutor } from './in-process-executor.js';
import { LocalPool, type LocalPoolOptions } from './local-pool.js';
import { ModulePool } from './module/module-pool.js';
import { SyntheticExecutor } from './synthetic-executor.js';

export interface TaskRouterOptions extends LocalPoolOptions {
  /** Synthetic runs at once; defaults to the thread count. */
  readonly syntheticSlots?: number;
  /** The worker's GPUs, which command runs asking for `resources.gpus` hold while they run; absent: none. */
  readonly devices?: DeviceAllocator<RunKey>;
  /** Command runs (the user's programs) at once; defaults to the thread count. */
  readonly commandSlots?: number;
  /** Where command runs' output is written on this machine (default: DEFAULT_LOG_DIR). */
  readonly logDir?: string;
}

/**
 * The executor of a worker process: synthetic assignments run on timers in this thread, training
 * assignments on a LocalPool. The pool is created on the first training assignment, so a worker
 * that only ever runs synthetic tasks starts no threads and never loads TensorFlow.js.
 */
export class TaskRouter extends InProcessExecutor {
  private readonly synthetic: SyntheticExecutor;
  /** The worker's GPUs (none unless given): command runs asking for some hold them while they run. */
  readonly devices: DeviceAllocator<RunKey>;
  private readonly command: CommandExecutor;
  private pool: LocalPool | undefined;
  /** Started on the first module assignment, like `pool`; its threads never load TensorFlow.js. */
  private modules: ModulePool | undefined;
  private readonly poolOptions: LocalPoolOptions & { readonly threads: number; readonly logDir?: string };
  private closed = false;

  constructor(options: TaskRouterOptions) {
    const threads = options.threads ?? availableParallelism();
    // Checked here, not when the pool is first needed: a bad option should fail at start-up.
    if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`options.threads must be a positive integer, but got ${threads}`);
    const slots = options.syntheticSlots ?? threads;
    if (!Number.isInteger(slots) || slots < 1) throw new TypeError(`options.syntheticSlots must be a positive integer, but got ${slots}`);
    // The larger of the two kinds' capacities: the router cannot know which kind it will be
    // sent. Callers that know (e.g. `sweeper run`) size the other kind to match.
    const commandSlots = options.commandSlots ?? threads;
    if (!Number.isInteger(commandSlots) || commandSlots < 1)
      throw new TypeError(`options.commandSlots must be a positive integer, but got ${commandSlots}`);
    super(Math.max(threads, slots, commandSlots));
    this.poolOptions = { ...options, threads };
    this.synthetic = new SyntheticExecutor({ slots, logger: options.logger });
    this.devices = options.devices ?? new DeviceAllocator<RunKey>([]);
    this.command = new CommandExecutor({ slots: commandSlots, logDir: options.logDir, logger: options.logger, devices: this.devices });
  }

  protected execute(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd> {
    const { type } = assignment.task;
    switch (type) {
      case 'synthetic':
        return this.synthetic.run(assignment, listener, signal);
      case 'train':
        if (this.closed) return Promise.resolve({ status: 'error', message: 'the worker is closed' });
        this.pool ??= new LocalPool(this.poolOptions);
        return this.pool.run(assignment, listener, signal);
      case 'module':
        if (this.closed) return Promise.resolve({ status: 'error', message: 'the worker is closed' });
        this.modules ??= new ModulePool({
          threads: this.poolOptions.threads,
          logger: this.poolOptions.logger,
          ...(this.poolOptions.logDir !== undefined && { logDir: this.poolOptions.logDir }),
        });
        return this.modules.run(assignment, listener, signal);
      case 'command':
        return this.command.run(assignment, listener, signal);
      default:
        return Promise.resolve({
          status: 'error',
          message: `task.type must be "train", "synthetic", "command" or "module", but got ${JSON.stringify(type)}`,
        });
    }
  }

  /**
   * Runs holding `gpus` devices each that can start now: no more than the free devices allow.
   * With fewer devices than a run asks for in all, the run is let through to fail with advice.
   */
  override freeSlots(gpus = 0): number {
    const slots = super.freeSlots(gpus);
    if (gpus === 0 || this.devices.devices.length < gpus) return slots;
    return Math.min(slots, Math.floor(this.devices.free / gpus));
  }

  /** Where a command run's output goes (or went) on this machine, once an ended run's is flushed. */
  logFileOf(key: RunKey): Promise<string> {
    return this.command.logFileOf(key);
  }

  /** Whether training threads were started (tests check that synthetic work never starts them). */
  get startedThreads(): boolean {
    return this.pool !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.synthetic.close(), this.command.close(), this.pool?.close(), this.modules?.close()]);
  }
}
