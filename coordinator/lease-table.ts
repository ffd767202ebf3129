/**
 * When each worker was last heard from. A worker silent for longer than the lease loses its runs:
 * liveness is judged by what arrives, never by whether a TCP connection looks open, because a
 * partitioned link can look open for minutes.
 */
export class LeaseTable {
  private readonly lastSeen = new Map<string, number>();

  constructor(
    readonly leaseMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  touch(id: string): void {
    this.lastSeen.set(id, this.now());
  }

  remove(id: string): void {
    this.lastSeen.delete(id);
  }

  silentMs(id: string): number {
    const seen = this.lastSeen.get(id);
    return seen === undefined ? Number.POSITIVE_INFINITY : this.now() - seen;
  }

  /** The holders whose lease has run out. */
  expired(): string[] {
    const deadline = this.now() - this.leaseMs;
    return [...this.lastSeen].filter(([, seen]) => seen < deadline).map(([id]) => id);
  }
}
