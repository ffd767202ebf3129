import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { threadDatasetChecker } from '../../coordinator/dataset-checker.js';
import type { DatasetSpec } from '../../src/datasets/dataset-spec.js';

const HANGING = new URL('../helpers/hanging-thread.js', import.meta.url);
const STUCK = new URL('../helpers/stuck-thread.js', import.meta.url);
const spec: DatasetSpec = { name: 'mnist', dir: '/data/slow-nfs/mnist', validation: 10, seed: 1 };

/**
 * A writer's open of the FIFO wakes every thread blocked opening it for reading; they then end,
 * as terminate() asked. With no reader waiting (a thread that never got to its open), there is
 * nothing to wake, and the open fails with ENXIO.
 */
function wakeReaders(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
  }
}

describe('threadDatasetChecker', () => {
  test('a check that never ends is refused after its time, naming the path', async () => {
    const check = threadDatasetChecker({ timeoutMs: 100, threadUrl: HANGING });
    await assert.rejects(check(spec), {
      name: 'DataError',
      message: 'checking /data/slow-nfs/mnist took longer than 0.1 s: is it on a hung file system?',
    });
  });

  test('checks beyond the threads in flight wait their turn instead of being refused', async () => {
    const check = threadDatasetChecker({ maxInFlight: 2 });
    const bundled: DatasetSpec = { name: 'bundled-mnist', validation: 10, seed: 1 };
    await Promise.all(Array.from({ length: 6 }, () => check(bundled)));
  });

  test('once every thread is stuck in a system call past its time, checks are refused at once as unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweeper-stuck-'));
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // The threads must be blocked in open() before their time is up: a thread still starting
    // (slow on a loaded machine) ends when terminated and is not stuck. 3 s is ample for that.
    const check = threadDatasetChecker({ maxInFlight: 2, timeoutMs: 3_000, threadUrl: STUCK });
    const stuckSpec: DatasetSpec = { ...spec, dir: fifo };
    try {
      const results = await Promise.allSettled([check(stuckSpec), check(stuckSpec)]);
      for (const result of results) assert.equal(result.status, 'rejected');
      await assert.rejects(check(stuckSpec), { code: 'UNAVAILABLE', message: /dataset checks are all stuck past their time/ });
    } finally {
      wakeReaders(fifo);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the real thread checks a bundled dataset without reading anything', async () => {
    await threadDatasetChecker()({ name: 'bundled-mnist', validation: 10, seed: 1 });
  });

  test('options are checked up front', () => {
    assert.throws(() => threadDatasetChecker({ maxInFlight: 0 }), /options\.maxInFlight must be a positive integer, but got 0/);
    assert.throws(() => threadDatasetChecker({ timeoutMs: -1 }), /options\.timeoutMs must be positive, but got -1/);
  });
});
