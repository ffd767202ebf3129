import { sha256Hex } from '../../src/files/sha256.js';
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
import type { TrialRecord } from '../../src/store/records.js';

const CONFUSION = [
  [40, 2, 1],
  [3, 35, 4],
  [0, 5, 10],
];

const OWN_LOG = 'epoch 1 <img src=x onerror="window.pwned=true"><script>window.pwned=true</script>\n\u001b[31mdone\u001b[0m\n';

/** A study of a user's own code, its objective an extra metric: one COMPLETE trial with a log. */
async function writeOwnCodeStudy(store: SqliteTrialStore): Promise<void> {
  const study = await store.createStudy(studyDefinition('own', { objective: { metric: 'val_f1', direction: 'maximize' } }));
  const trial = await store.createTrial(study.id, { lr: 0.01, depth: 2 }, { worker: 'host:1' });
  await store.recordEpoch(trial.id, 1, 0, 1, { trainLoss: 0.9, valLoss: 1, extra: { val_f1: 0.25, perplexity: 12.5 } });
  await store.recordEpoch(trial.id, 1, 0, 2, { trainLoss: 0.7, valLoss: 0.8, extra: { val_f1: 0.5 } });
  await store.recordRepeat(trial.id, 1, {
    repeat: 0,
    seed: 1,
    value: 0.5,
    epochs: 2,
    bestEpoch: 2,
    trainSeconds: 1,
    test: { epoch: 2, loss: 0.5, accuracy: 0.75 },
  });
  await store.recordLog(trial.id, 1, 0, OWN_LOG);
  await store.finishTrial(trial.id, 1, {
    state: 'COMPLETE',
    result: { value: 0.5, repeats: 1, epochs: 2, bestEpoch: 2, trainSeconds: 1, testAccuracy: 0.75 },
  });
}

/** A PBT study of two members: after epoch 2, member 1 went on from member 0's checkpoint with a higher rate. */
async function writePbtStudy(store: SqliteTrialStore): Promise<void> {
  const scheduler = {
    type: 'pbt' as const,
    population: 2,
    interval: 2,
    quantile: 0.5,
    resampleProbability: 0,
    perturbationFactors: [1.2, 0.8] as const,
  };
  const study = await store.createStudy(
    studyDefinition('pbt', { space: { lr: { type: 'float', low: 1e-4, high: 1, log: true } }, budget: { trials: 2 }, scheduler }),
  );
  const members = [];
  for (const lr of [0.1, 0.001]) {
    const trial = await store.createTrial(study.id, { lr }, { worker: 'host:1' });
    for (const epoch of [1, 2]) await store.recordEpoch(trial.id, 1, 0, epoch, { valAccuracy: lr * 5 + epoch / 100, learningRate: lr });
    const data = new Uint8Array(64).fill(members.length + 1);
    await store.saveCheckpoint(trial.id, 1, 0, { epoch: 2, sha256: sha256Hex(data), data });
    members.push(trial);
  }
  const [first, second] = members as [TrialRecord, TrialRecord];
  await store.startSegments([
    { trialId: first.id, attempt: 1, fromEpoch: 3, params: { lr: 0.1 } },
    { trialId: second.id, attempt: 1, fromEpoch: 3, params: { lr: 0.12 }, parentId: first.id },
  ]);
  for (const [trial, lr] of [
    [first, 0.1],
    [second, 0.12],
  ] as const) {
    for (const epoch of [3, 4]) await store.recordEpoch(trial.id, 1, 0, epoch, { valAccuracy: 0.5 + epoch / 100, learningRate: lr });
    await store.recordRepeat(trial.id, 1, { repeat: 0, seed: 1, value: 0.54, epochs: 4, bestEpoch: 4, trainSeconds: 1 });
    await store.finishTrial(trial.id, 1, {
      state: 'COMPLETE',
      result: { value: 0.54, repeats: 1, epochs: 4, bestEpoch: 4, trainSeconds: 1 },
    });
  }
}

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
    await writeOwnCodeStudy(store);
    await writePbtStudy(store);
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

  test("a user's own code: extra metrics in the epochs table and the curves, a test evaluation without a matrix, the log escaped", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${dashboard.url}studies/own/trials/0`);
    await page.locator('#epochs-table').waitFor();
    assert.deepEqual(await page.locator('#epochs-table thead th[data-extra]').allInnerTexts(), ['perplexity', 'val_f1']);
    // The extra columns come just before the time column.
    const extraCells: (string | null)[][] = [];
    const rows = page.locator('#epochs-table tbody tr');
    for (let i = 0; i < (await rows.count()); i++) {
      const cells = rows.nth(i).locator('td');
      const count = await cells.count();
      extraCells.push([await cells.nth(count - 3).getAttribute('data-value'), await cells.nth(count - 2).getAttribute('data-value')]);
    }
    assert.deepEqual(extraCells, [
      ['12.5', '0.25'],
      ['', '0.5'],
    ]);
    const log = page.locator('#logs pre.log');
    assert.equal(await log.count(), 1);
    assert.equal(await log.textContent(), OWN_LOG, 'the log as it was, as text');
    assert.equal(await page.locator('#logs pre.log img, #logs script').count(), 0, 'none of it became markup');
    assert.equal(await page.evaluate(() => (globalThis as { pwned?: boolean }).pwned), undefined);
    assert.equal(await page.locator('table.confusion').count(), 0);
    await page.locator('#curves svg').waitFor();
    // train_loss, val_loss and the val_f1 panel: a line each for the one repeat.
    assert.equal(await page.locator('#curves svg path[aria-roledescription="line mark"]').count(), 3);
    await page.screenshot({ path: join(testOutputDir('dashboard'), '6-trial-of-own-code.png'), fullPage: true });
    await page.close();
  });

  test("a PBT member's schedule: its stretches of epochs, their parameters and whose state each went on from; the study draws them all", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${dashboard.url}studies/pbt/trials/1`);
    const rows = page.locator('#schedule-table tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(await rows.nth(0).locator('td').allInnerTexts(), ['1-2', '0.0010', 'its own state']);
    assert.deepEqual(await rows.nth(1).locator('td').allInnerTexts(), ['3-4', '0.1200', 'trial 0, epoch 2']);
    assert.equal(await rows.nth(1).locator('a').getAttribute('href'), '/studies/pbt/trials/0');
    await page.goto(`${dashboard.url}studies/tested/trials/0`);
    await page.locator('#repeats-table').waitFor();
    assert.equal(await page.locator('#schedule-table').count(), 0, 'a study without PBT has no schedule');
    await page.goto(`${dashboard.url}studies/pbt`);
    const chart = page.locator('figure[data-chart-id="pbt-schedule"]');
    await chart.locator('svg').waitFor();
    // One step line per member, and a dot where member 1 went on from member 0.
    assert.equal(await chart.locator('svg path[aria-roledescription="line mark"]').count(), 2);
    await page.screenshot({ path: join(testOutputDir('dashboard'), '6-pbt-study.png'), fullPage: true });
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
