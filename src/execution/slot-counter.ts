/**
 * Counts the runs an executor has in progress against its capacity, and tells subscribers each
 * time one ends: the sweep runner then fills the freed slot.
 */
export class SlotCounter {
  private running = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly capacity: number) {}

  get free(): number {
    return this.capacity - this.running;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      for (const listener of this.listeners) listener();
    }
  }
}
