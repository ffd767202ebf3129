import { hostname } from 'node:os';
import type { RunAssignment, RunOutcome } from '../src/execution/run-assignment.js';
import { SlotCounter } from '../src/execution/slot-counter.js';
import type { RunListener, TrialExecutor } from '../src/execution/trial-executor.js';

/**
 * What every executor in this process shares: a fixed capacity, its slots counted as runs start
 * and end, and this process as the place trials run. Subclasses say how a run is executed.
 */
export abstract class InProcessExecutor implements TrialExecutor {
  private readonly slots: SlotCounter;

  constructor(readonly capacity: number) {
    this.slots = new SlotCounter(capacity);
  }

  get freeSlots(): number {
    return this.slots.free;
  }

  onFreeSlots(listener: () => void): () => void {
    return this.slots.subscribe(listener);
  }

  placement(): string {
    return `${hostname()}:${process.pid}`;
  }

  run(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunOutcome> {
    return this.slots.track(() => this.execute(assignment, listener, signal));
  }

  protected abstract execute(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunOutcome>;

  abstract close(): Promise<void>;
}
