import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ThrottledViews } from '../../dashboard/throttled-views.js';

/** A clock the test moves, and a view whose computation takes `costMs` of it. */
function setup(costMs: number): {
  views: ThrottledViews;
  clock: { now: number };
  computed: () => number;
  get: (key?: string) => Promise<string>;
} {
  const clock = { now: 0 };
  const views = new ThrottledViews({ minIntervalMs: 1000, maxShare: 0.05, now: () => clock.now, forgetAfterMs: 60_000 });
  let count = 0;
  const compute = (): Promise<string> => {
    count += 1;
    clock.now += costMs;
    return Promise.resolve(`body ${count}`);
  };
  return { views, clock, computed: () => count, get: (key = 'study') => views.get(key, compute) };
}

describe('ThrottledViews', () => {
  test('a cheap view is recomputed once a second at most', async () => {
    const { clock, computed, get } = setup(5);
    assert.equal(await get(), 'body 1');
    clock.now += 500;
    assert.equal(await get(), 'body 1', 'kept within the second');
    clock.now += 600;
    assert.equal(await get(), 'body 2');
    assert.equal(computed(), 2);
  });

  test('a view that costs a second is kept twenty seconds, so that it takes 5 % of the time at most', async () => {
    const { views, clock, get } = setup(1000);
    assert.equal(views.intervalMs(1000), 20_000);
    await get();
    clock.now += 19_000;
    assert.equal(await get(), 'body 1');
    clock.now += 1_001;
    assert.equal(await get(), 'body 2');
  });

  test('callers asking at once share one computation; keys are separate', async () => {
    const { computed, get } = setup(5);
    const [a, b] = await Promise.all([get(), get()]);
    assert.deepEqual([a, b, computed()], ['body 1', 'body 1', 1]);
    assert.equal(await get('other study'), 'body 2');
  });

  test('a failed computation is not kept: the next call tries again', async () => {
    const clock = { now: 0 };
    const views = new ThrottledViews({ minIntervalMs: 1000, maxShare: 0.05, now: () => clock.now });
    await assert.rejects(
      views.get('study', () => Promise.reject(new Error('no such study'))),
      /no such study/,
    );
    assert.equal(await views.get('study', () => Promise.resolve('found')), 'found');
  });

  test('views nobody asked for a while are forgotten (their bodies can be megabytes)', async () => {
    // Costing 10 s, the view would be kept 200 s; unread for 61 s, it is dropped before that.
    const { clock, computed, get } = setup(10_000);
    await get();
    clock.now += 30_000;
    assert.equal(await get(), 'body 1', 'kept while read');
    clock.now += 61_000;
    await get('other');
    assert.equal(await get(), 'body 3', 'dropped, so computed again');
    assert.equal(computed(), 3);
  });
});
