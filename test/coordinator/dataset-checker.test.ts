import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { threadDatasetChecker } from '../../coordinator/dataset-checker.js';
import type { DatasetSpec } from '../../src/datasets/dataset-spec.js';

const HANGING = new URL('../helpers/hanging-thread.js', import.meta.url);
const spec: DatasetSpec = { name: 'mnist', dir: '/data/slow-nfs/mnist', validation: 10, seed: 1 };

describe('threadDatasetChecker', () => {
  test('a check that never ends is refused after its time, naming the path', async () => {
    const check = threadDatasetChecker({ timeoutMs: 100, threadUrl: HANGING });
    await assert.rejects(check(spec), { name: 'DataError', message: 'checking /data/slow-nfs/mnist took longer than 0.1 s: is it on a hung file system?' });
  });

  test('beyond the checks in flight, a submit is refused at once as unavailable', async () => {
    const check = threadDatasetChecker({ maxInFlight: 2, timeoutMs: 60_000, threadUrl: HANGING });
    const controller = new AbortController();
    const running = [check(spec, controller.signal), check(spec, controller.signal)];
    await assert.rejects(check(spec), { code: 'UNAVAILABLE', message: /already checking 2 datasets, its limit/ });
    controller.abort(new Error('test over'));
    for (const result of await Promise.allSettled(running)) assert.equal(result.status, 'rejected');
  });

  test('the real thread checks a bundled dataset without reading anything', async () => {
    await threadDatasetChecker()({ name: 'bundled-mnist', validation: 10, seed: 1 });
  });

  test('options are checked up front', () => {
    assert.throws(() => threadDatasetChecker({ maxInFlight: 0 }), /options\.maxInFlight must be a positive integer, but got 0/);
    assert.throws(() => threadDatasetChecker({ timeoutMs: -1 }), /options\.timeoutMs must be positive, but got -1/);
  });
});
