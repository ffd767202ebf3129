import { join } from 'node:path';
import { MemoryTrialStore } from '../../src/store/memory/memory-trial-store.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { describeTrialStoreConformance } from './trial-store-conformance.js';

const dir = tempDir();
let files = 0;

/**
 * Every TrialStore backend, each giving a fresh, empty store: the contract is what they all pass.
 * What only a file can do (survive a SIGKILL mid-write, lock a study across processes, be found
 * damaged, read-only or full, be upgraded from an older schema) is tested on SQLite alone, in
 * sqlite-trial-store, study-lock, damaged-stores and sqlite-failure.
 */
const BACKENDS: readonly [string, () => TrialStore][] = [
  ['sqlite', () => SqliteTrialStore.open(join(dir, `store-${files++}.db`))],
  ['memory', () => new MemoryTrialStore()],
];

for (const [backend, open] of BACKENDS) describeTrialStoreConformance(backend, () => Promise.resolve(open()));
