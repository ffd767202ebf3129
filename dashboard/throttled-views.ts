export interface ThrottleOptions {
  /** Never recompute a view sooner than this after the last computation. */
  readonly minIntervalMs: number;
  /**
   * At most this share of the process's time goes to one view: a view that took 1 s to compute
   * is kept 1 s / share before it is computed again. The charts of 100,000 trials take about a
   * second, and a dashboard served by the coordinator shares its event loop with the sweep.
   */
  readonly maxShare: number;
  /** Milliseconds; performance.now() unless a test sets a clock. */
  readonly now?: () => number;
  /** Views nobody asked for in this long are dropped (their bodies can be megabytes). */
  readonly forgetAfterMs?: number;
}

interface Entry {
  body?: string;
  computedAt: number;
  costMs: number;
  readAt: number;
  pending?: Promise<string>;
}

/**
 * Views (JSON bodies) by key, each recomputed only when it is old enough for its cost. Callers
 * asking at once share one computation. Every poller sees the same body between computations,
 * so its ETag holds and the browser's poll is a bodiless 304.
 */
export class ThrottledViews {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  get(key: string, compute: () => Promise<string>): Promise<string> {
    const now = this.now();
    this.forget(now);
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { computedAt: -Infinity, costMs: 0, readAt: now }));
    entry.readAt = now;
    if (entry.pending) return entry.pending;
    if (entry.body !== undefined && now - entry.computedAt < this.intervalMs(entry.costMs)) return Promise.resolve(entry.body);
    const current = entry;
    const started = now;
    current.pending = compute().then(
      (body) => {
        const finished = this.now();
        Object.assign(current, { body, computedAt: finished, costMs: finished - started, pending: undefined });
        return body;
      },
      (error: unknown) => {
        current.pending = undefined;
        throw error;
      },
    );
    return current.pending;
  }

  /** How long a view that cost `costMs` is kept. */
  intervalMs(costMs: number): number {
    return Math.max(this.options.minIntervalMs, costMs / this.options.maxShare);
  }

  private forget(now: number): void {
    const after = this.options.forgetAfterMs ?? 10 * 60_000;
    for (const [key, entry] of this.entries) if (!entry.pending && now - entry.readAt > after) this.entries.delete(key);
  }
}
