/**
 * Group commit: writes that arrive while a batch is being stored wait, and go together in the
 * next batch, one transaction (SQLite) or one statement (PostgreSQL) for all of them. A sweep's
 * most frequent write, an epoch's metrics, comes from every running repeat at once: with
 * hundreds of workers, thousands a second, each a transaction and a commit (a round trip or
 * three, on a server) of its own, the coordinator spends its time on the commits. Batched, the
 * batch grows with the load and a write waits at most for the batch before it.
 *
 * Each write still settles on its own: `store` returns, for each item of a batch, undefined
 * (stored) or the error that item alone met (a stale attempt); an error it throws fails every
 * item of the batch. The first write when nothing is pending waits for the current turn of the
 * event loop to end (setImmediate), so that writes arriving together (one gRPC message carries
 * several reports; many messages arrive in one poll) form a batch.
 */
export class GroupCommit<T> {
  private queue: { readonly item: T; readonly resolve: () => void; readonly reject: (error: unknown) => void }[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: (items: readonly T[]) => Promise<readonly (Error | undefined)[]>,
    /** The most items in one batch (a statement's parameters are limited). */
    private readonly maxBatch: number,
  ) {}

  /** Resolves once `item` is stored; rejects with the error that kept it from being stored. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.drainQueue();
    });
  }

  /** Resolves once every write added so far has settled. */
  async flushed(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drainQueue(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const errors = await this.store(batch.map((entry) => entry.item));
          batch.forEach((entry, i) => {
            const error = errors[i];
            if (error) entry.reject(error);
            else entry.resolve();
          });
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
