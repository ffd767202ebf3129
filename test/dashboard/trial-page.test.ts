import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { browserSkipReason, launchBrowser, testOutputDir } from '../helpers/browser.js';
import { writeFashionStudy } from '../helpers/fashion-study.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studyDefinition } from '../store/study-fixture.js';

const CONFUSION = [
  [40, 2, 1],
  [3, 35, 4],
  [0, 5, 10],
];

describe('a trial page with repeats and a test evaluation', { skip: browserSkipReason() }, () => {
  const dir = tempDir('sweeper-dashboard-trial-');
  let store: SqliteTrialStore;
  let dashboard: DashboardServer;
  let browser: Browser;

  before(async () => {
    // Written through the store's own API, as a training sweep with two repeats and a test set would.
    store = SqliteTrialStore.open(join(dir, 'trial.db'));
    const study = await store.createStudy(studyDefinition('tested', { repeats: 2 }));
    const trial = await store.createTrial(study.id, { lr: 0.01, depth: 2 }, { worker: 'host:1' });
    for (const repeat of [0, 1]) {
      for (const epoch of [1, 2, 3]) {
        await store.recordEpoch(trial.id, 1, repeat, epoch, {
          trainLoss: 1 / epoch + repeat / 10,
          valLoss: 1.1 / epoch,
          trainAccuracy: 0.5 + epoch / 10,
          valAccuracy: 0.45 + epoch / 10 + repeat / 100,
        });
      }
      await store.recordRepeat(trial.id, 1, {
        repeat,
        seed: 100 + repeat,
        value: 0.75 + repeat / 100,
        epochs: 3,
        bestEpoch: 3,
        trainSeconds: 2,
        test: { epoch: 3, loss: 0.6, accuracy: 0.85 + repeat / 100, confusion: CONFUSION },
      });
    }
    await store.finishTrial(trial.id, 1, {
      state: 'COMPLETE',
      result: { value: 0.755, valueStd: 0.00707, repeats: 2, epochs: 3, bestEpoch: 3, trainSeconds: 2, testAccuracy: 0.855 },
    });
    await writeFashionStudy(store);
    dashboard = await DashboardServer.start({ store, listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger() });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
    await store?.close();
  });

  test('shows each repeat with its test evaluation, the confusion matrix, and a curve per repeat', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${dashboard.url}studies/tested/trials/0`);
    await page.locator('#repeats-table').waitFor();
    assert.equal(await page.locator('#summary [data-field="test-accuracy"]').innerText(), '0.8550');
    assert.deepEqual(await page.locator('#repeats-table [data-field="test-accuracy"]').allInnerTexts(), ['0.8500', '0.8600']);
    const matrix = page.locator('table.confusion').first();
    assert.deepEqual(await matrix.locator('tbody td').allInnerTexts(), CONFUSION.flat().map(String));
    assert.equal(await page.locator('#epochs-table tbody tr').count(), 6, 'three epochs of each of two repeats');
    await page.locator('#curves svg').waitFor();
    // Two repeats of four metrics: eight lines.
    assert.equal(await page.locator('#curves svg path[aria-roledescription="line mark"]').count(), 8);
    await page.screenshot({ path: join(testOutputDir('dashboard'), '6-trial-with-test-set.png'), fullPage: true });
    await page.close();
  });

  test("a dataset's class names label the confusion matrix's rows", async () => {
    const page = await browser.newPage();
    await page.goto(`${dashboard.url}studies/fashion/trials/0`);
    const rows = page.locator('table.confusion tbody th');
    await rows.first().waitFor();
    assert.deepEqual(await rows.allInnerTexts(), [
      '0 T-shirt/top',
      '1 Trouser',
      '2 Pullover',
      '3 Dress',
      '4 Coat',
      '5 Sandal',
      '6 Shirt',
      '7 Sneaker',
      '8 Bag',
      '9 Ankle boot',
    ]);
    assert.equal(
      await page.locator('table.confusion').first().locator('tbody tr').nth(6).locator('td').first().innerText(),
      '30',
      'Shirts taken for T-shirts',
    );
    await page.close();
  });

  test('an unknown study or trial is a clear 404, on the page and in the API', async () => {
    assert.equal((await fetch(`${dashboard.url}api/studies/nope`)).status, 404);
    assert.match(
      ((await (await fetch(`${dashboard.url}api/studies/tested/trials/7`)).json()) as { error: string }).error,
      /has no trial 7/,
    );
    assert.equal((await fetch(`${dashboard.url}api/studies/tested/trials/x`)).status, 404);
    const page = await browser.newPage();
    await page.goto(`${dashboard.url}studies/nope`);
    assert.match(await page.locator('.error').innerText(), /no study named "nope"/);
    await page.close();
  });
});
