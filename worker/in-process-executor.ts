import { hostname } from 'node:os';
import { unlessAbandoned } from '../src/execution/abandonment.js';
import type { RunAssignment, RunEnd } from '../src/execution/run-assignment.js';
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

  /** Its free slots; an executor with devices (TaskRouter) also counts those. */
  freeSlots(_gpus = 0): number {
    return this.slots.free;
  }

  onFreeSlots(listener: () => void): () => void {
    return this.slots.subscribe(listener);
  }

  /** This process, whatever the run holds. */
  placements(_gpus: number, count: number): string[] {
    return Array.from({ length: count }, () => `${hostname()}:${process.pid}`);
  }

  /** An abandoned run ends at once; its slot stays taken until it has really stopped. */
  run(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd> {
    return unlessAbandoned(
      this.slots.track(() => this.execute(assignment, listener, signal)),
      signal,
    );
  }

  protected abstract execute(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd>;

  abstract close(): Promise<void>;
}
