/** One waiting acquire: served in arrival order. */
interface Waiter<Holder> {
  readonly count: number;
  readonly holder: Holder | undefined;
  readonly resolve: (ids: string[]) => void;
  readonly reject: (reason: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** Who holds which devices, for `sweeper status`. */
export interface DeviceHolding<Holder> {
  readonly holder: Holder | undefined;
  readonly ids: readonly string[];
}

/**
 * The devices of one worker, handed to runs: `acquire(n)` resolves to n ids once that many are
 * free, `release(ids)` gives them back. Waiters are served first come, first served: a run asking
 * for more devices than are free makes later, smaller requests wait too, so it is not starved.
 * An id is held by one acquirer at a time.
 */
export class DeviceAllocator<Holder = string> {
  readonly devices: readonly string[];
  /** Device id → its holding; absent when free. */
  private readonly held = new Map<string, DeviceHolding<Holder>>();
  private readonly waiters: Waiter<Holder>[] = [];

  constructor(devices: readonly string[]) {
    if (new Set(devices).size !== devices.length) throw new TypeError(`devices must be distinct, but got ${devices.join(',')}`);
    this.devices = [...devices];
  }

  get free(): number {
    return this.devices.length - this.held.size;
  }

  /** Runs waiting for devices. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Resolves to `count` free device ids (in the worker's order), held for `holder` until released.
   * Rejects at once when the worker has fewer devices than that in all, and with the signal's
   * reason when it aborts before they are free (nothing is then held).
   */
  acquire(count: number, signal?: AbortSignal, holder?: Holder): Promise<string[]> {
    if (!Number.isInteger(count) || count < 0) return Promise.reject(new TypeError(`count must be a whole number >= 0, but got ${count}`));
    if (count > this.devices.length)
      return Promise.reject(new RangeError(`count must be at most the ${this.devices.length} devices there are, but got ${count}`));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (count === 0) return Promise.resolve([]);
    if (this.waiters.length === 0 && count <= this.free) return Promise.resolve(this.take(count, holder));
    return new Promise<string[]>((resolve, reject) => {
      const waiter: Waiter<Holder> = {
        count,
        holder,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index < 0) return;
          this.waiters.splice(index, 1);
          reject(abortReason(signal));
          // The head may have been what held the others back.
          this.serve();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Gives devices back; every id must be held. Waiting acquirers get them in arrival order. */
  release(ids: readonly string[]): void {
    for (const id of ids) if (!this.held.has(id)) throw new Error(`device ${id} must be held to be released, but it is free`);
    for (const id of ids) this.held.delete(id);
    this.serve();
  }

  /** Who holds what, each holding once, in the order of the devices. */
  holders(): DeviceHolding<Holder>[] {
    const seen = new Set<DeviceHolding<Holder>>();
    for (const id of this.devices) {
      const holding = this.held.get(id);
      if (holding) seen.add(holding);
    }
    return [...seen];
  }

  private serve(): void {
    for (let head = this.waiters[0]; head !== undefined && head.count <= this.free; head = this.waiters[0]) {
      this.waiters.shift();
      head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve(this.take(head.count, head.holder));
    }
  }

  private take(count: number, holder: Holder | undefined): string[] {
    const ids = this.devices.filter((id) => !this.held.has(id)).slice(0, count);
    const holding: DeviceHolding<Holder> = { holder, ids };
    for (const id of ids) this.held.set(id, holding);
    return ids;
  }
}

/** The signal's reason when it is an Error (an Abandonment, say), else a plain one. */
function abortReason(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error('the wait for devices was aborted');
}
