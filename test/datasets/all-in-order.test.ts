import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { allInOrder } from '../../src/datasets/all-in-order.js';

const failAfter = async (ms: number, message: string): Promise<never> => {
  await sleep(ms);
  throw new Error(message);
};

describe('allInOrder', () => {
  test('of several failures, rejects with the first in input order, even when a later one fails sooner', async () => {
    await assert.rejects(allInOrder([Promise.resolve(1), failAfter(30, 'first listed'), failAfter(0, 'first to fail')]), {
      message: 'first listed',
    });
  });

  test('resolves values in input order, plain values included', async () => {
    const slow = sleep(20).then(() => 'slow');
    assert.deepEqual(await allInOrder([slow, Promise.resolve('fast'), undefined]), ['slow', 'fast', undefined]);
  });
});
