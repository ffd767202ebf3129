import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { browserSkipReason, launchBrowser, testOutputDir } from '../helpers/browser.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { result, studyDefinition } from '../store/study-fixture.js';

const TRIALS = 250;
const LARGE = 5001;
/** Distinct values in a shuffled order (37 and 250 share no factor); every 25th trial fails. */
const valueOf = (n: number): number | undefined => (n % 25 === 24 ? undefined : ((n * 37) % TRIALS) / TRIALS);
const depthOf = (n: number): number => 1 + (n % 4);

interface TableJson {
  trials: { number: number; value: number | null; params: Record<string, number> }[];
  matching: number;
  offset: number;
  limit: number;
  params: string[];
}

/** The trials table over a study too big for one page: the server sorts, filters and pages it. */
describe('the trials table, a page at a time', () => {
  const dir = tempDir('sweeper-dashboard-table-');
  let store: SqliteTrialStore;
  let dashboard: DashboardServer;
  const api = async (query: string): Promise<Response> => fetch(`${dashboard.url}api/studies/big?${query}`);
  const table = async (query: string): Promise<TableJson> => {
    const response = await api(query);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as TableJson;
  };
  const byValue = Array.from({ length: TRIALS }, (_, n) => n)
    .filter((n) => valueOf(n) !== undefined)
    .sort((a, b) => (valueOf(b) as number) - (valueOf(a) as number));

  before(async () => {
    store = SqliteTrialStore.open(join(dir, 'table.db'));
    const study = await store.createStudy(studyDefinition('big', { budget: { trials: TRIALS } }));
    for (let n = 0; n < TRIALS; n++) {
      const trial = await store.createTrial(study.id, { lr: 0.001 * (1 + (n % 7)), depth: depthOf(n) }, { worker: 'host:1' });
      const value = valueOf(n);
      await store.finishTrial(
        trial.id,
        1,
        value === undefined ? { state: 'FAILED', reason: `diverged (trial ${n})` } : { state: 'COMPLETE', result: result(value) },
      );
    }
    // Over 5,000 trials the study charts are drawn on a canvas (SVG would take seconds at 100,000).
    const large = await store.createStudy(studyDefinition('large', { budget: { trials: LARGE } }));
    for (let n = 0; n < LARGE; n++) {
      const trial = await store.createTrial(large.id, { lr: 0.001 * (1 + (n % 7)), depth: depthOf(n) }, { worker: 'host:1' });
      await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(n / LARGE) });
    }
    dashboard = await DashboardServer.start({ store, listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger() });
  });

  after(async () => {
    await dashboard?.close();
    await store?.close();
  });

  test('a page holds 100 trials by default, with how many match and the parameter columns', async () => {
    const first = await table('');
    assert.deepEqual(
      first.trials.map((t) => t.number),
      Array.from({ length: 100 }, (_, n) => n),
    );
    assert.deepEqual([first.matching, first.offset, first.limit, first.params], [TRIALS, 0, 100, ['lr', 'depth']]);
  });

  test('sorted by the objective, best first, pages follow on', async () => {
    const second = await table('sort=value&order=desc&offset=50&limit=50');
    assert.deepEqual(
      second.trials.map((t) => t.number),
      byValue.slice(50, 100),
    );
    const last = await table('sort=value&order=desc&offset=200&limit=100');
    assert.deepEqual(
      last.trials.map((t) => t.number),
      [...byValue.slice(200), ...Array.from({ length: 10 }, (_, i) => 24 + 25 * i)],
      'the failed trials, without a value, last',
    );
  });

  test('filtered by state, by a parameter and by text', async () => {
    assert.equal((await table('state=FAILED')).matching, 10);
    const deep = await table('state=COMPLETE&sort=param:depth&order=desc&limit=5');
    assert.deepEqual(
      deep.trials.map((t) => t.params.depth),
      [4, 4, 4, 4, 4],
    );
    assert.equal((await table('q=diverged%20(trial%2049)')).trials[0]?.number, 49, 'the reason');
  });

  test('a query the API cannot take is a 400 naming the field', async () => {
    for (const [query, message] of [
      ['sort=speed', /sort: must be one of number, state, value, .*param:depth, but got "speed"/],
      ['sort=param:width', /but got "param:width"/],
      ['order=up', /order: must be asc or desc/],
      ['state=DONE', /state: must be one of QUEUED, RUNNING, COMPLETE, PRUNED, FAILED, but got "DONE"/],
      ['limit=0', /limit: must be an integer from 1 to 1000, but got "0"/],
      ['offset=-1', /offset: must be an integer from 0/],
    ] as const) {
      const response = await api(query);
      assert.equal(response.status, 400, query);
      assert.match(((await response.json()) as { error: string }).error, message);
    }
  });

  describe('in a real browser', { skip: browserSkipReason() }, () => {
    let browser: Browser;
    let page: Page;
    const rows = async (): Promise<string[]> => {
      const trs = page.locator('#trials-table tbody tr');
      return Promise.all((await trs.all()).map(async (tr) => (await tr.getAttribute('data-trial')) ?? ''));
    };
    /** Waits until the table shows the answer to a query containing `part`. */
    const shows = (part: string): Promise<unknown> =>
      page.waitForFunction(`(document.querySelector('#trials-table').getAttribute('data-query') || '').includes(${JSON.stringify(part)})`);

    before(async () => {
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    });

    after(async () => {
      await browser?.close();
    });

    test('pages with previous and next, sorts by a click and filters, each answered by the server', async () => {
      await page.goto(`${dashboard.url}studies/big`);
      await shows('offset=0');
      assert.equal((await rows()).length, 100);
      assert.equal(await page.locator('#shown').innerText(), `1–100 of ${TRIALS} matching, ${TRIALS} trials`);
      assert.ok(await page.locator('#page-previous').isDisabled());
      await page.locator('#page-next').click();
      await shows('offset=100');
      assert.equal((await rows())[0], '100');
      await page.locator('#page-next').click();
      await shows('offset=200');
      assert.equal((await rows()).length, 50);
      assert.ok(await page.locator('#page-next').isDisabled(), 'no page after the last');

      await page.locator('#trials-table th[data-sort="value"]').click();
      await shows('sort=value&order=asc&offset=0');
      await page.locator('#trials-table th[data-sort="value"]').click();
      await shows('sort=value&order=desc&offset=0');
      assert.deepEqual((await rows()).slice(0, 3), byValue.slice(0, 3).map(String), 'the best first, a sort starts at the first page');
      await page.screenshot({ path: join(testOutputDir('dashboard'), '7-trials-table-paged.png'), fullPage: false });

      await page.selectOption('#state-filter', 'FAILED');
      await shows('state=FAILED');
      assert.equal((await rows()).length, 10);
      await page.fill('#text-filter', 'trial 49)');
      await shows('q=trial');
      assert.deepEqual(await rows(), ['49']);
      assert.equal(await page.locator('#shown').innerText(), `1–1 of 1 matching, ${TRIALS} trials`);
    });

    test('study charts are SVG for a small study and a canvas for a large one', async () => {
      const drawn = `[...document.querySelectorAll('#charts figure.chart')].length > 0 && [...document.querySelectorAll('#charts figure.chart')].every((f) => f.querySelector('svg, canvas') || f.querySelector('.note'))`;
      await page.goto(`${dashboard.url}studies/big`);
      await page.waitForFunction(drawn);
      assert.equal(await page.locator('#charts canvas').count(), 0);
      assert.ok(
        (await page.locator('#charts .plot[data-renderer="svg"] svg').count()) >= 3,
        'history, parallel coordinates, slices at least',
      );
      await page.goto(`${dashboard.url}studies/large`);
      await page.waitForFunction(drawn, undefined, { timeout: 30_000 });
      assert.equal(await page.locator('#charts svg.marks').count(), 0);
      assert.ok((await page.locator('#charts .plot[data-renderer="canvas"] canvas').count()) >= 3);
    });
  });
});
