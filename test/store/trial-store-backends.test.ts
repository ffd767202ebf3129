import { join } from 'node:path';
import { after } from 'node:test';
import { MemoryTrialStore } from '../../src/store/memory/memory-trial-store.js';
import { PostgresTrialStore } from '../../src/store/postgres/postgres-trial-store.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { PostgresServer, postgresSkip } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { describeTrialStoreConformance } from './trial-store-conformance.js';

const dir = tempDir();
let stores = 0;

/** One real PostgreSQL server for the file, started by the first store that needs it; a database per store. */
let server: Promise<PostgresServer> | undefined;
after(async () => (await server)?.close());

async function postgresStore(): Promise<TrialStore> {
  server ??= PostgresServer.start();
  const number = stores++;
  const url = (await server).database(`store_${number}`);
  return PostgresTrialStore.open(url, { checkpoints: join(dir, `checkpoints-${number}`) });
}

/**
 * Every TrialStore backend, each giving a fresh, empty store: the contract is what they all pass.
 * What only a file can do (survive a SIGKILL mid-write, lock a study across processes, be found
 * damaged, read-only or full, be upgraded from an older schema) is tested on SQLite alone, in
 * sqlite-trial-store, study-lock, damaged-stores and sqlite-failure; what only a server can do,
 * in postgres-trial-store.
 */
const BACKENDS: readonly [string, () => Promise<TrialStore>, (string | false)?][] = [
  ['sqlite', () => Promise.resolve(SqliteTrialStore.open(join(dir, `store-${stores++}.db`)))],
  ['memory', () => Promise.resolve(new MemoryTrialStore())],
  ['postgres', postgresStore, postgresSkip()],
];

for (const [backend, open, skip] of BACKENDS) describeTrialStoreConformance(backend, open, skip);
