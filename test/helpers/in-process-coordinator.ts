import { join } from 'node:path';
import { Coordinator, type CoordinatorOptions } from '../../coordinator/coordinator.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { silentLogger } from './silent-logger.js';

export interface CoordinatorFixture {
  readonly coordinator: Coordinator;
  readonly store: SqliteTrialStore;
  readonly path: string;
  /**
   * Stops it as a crash would: no drain, no release; the store stays as it was. Closing the store
   * frees its study locks, as the death of the process would.
   */
  crash(): Promise<void>;
  close(): Promise<void>;
}

/** A real coordinator (gRPC server on a free port, SQLite file) inside the test process. */
export async function startCoordinator(dir: string, name: string, options: Partial<CoordinatorOptions> = {}): Promise<CoordinatorFixture> {
  const path = join(dir, `${name}.db`);
  const store = SqliteTrialStore.open(path);
  const coordinator = await Coordinator.start({
    store,
    listen: { host: '127.0.0.1', port: 0 },
    logger: silentLogger(),
    owner: { id: `test-${name}-${Date.now()}-${Math.random()}`, host: 'test', pid: process.pid },
    leaseMs: 2_000,
    ...options,
  });
  let closed = false;
  return {
    coordinator,
    store,
    path,
    async crash() {
      closed = true;
      coordinator.forceClose();
      await store.close();
    },
    async close() {
      if (closed) return;
      closed = true;
      await coordinator.drain(0);
      await store.close();
    },
  };
}
