import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { TrialRecord } from '../../src/store/records.js';
import { browserSkipReason, launchBrowser, testOutputDir } from '../helpers/browser.js';
import { runCli, startCli } from '../helpers/cli-process.js';
import {
  startCoordinatorProcess,
  startWorkerProcess,
  waitFor,
  writeSyntheticSweep,
  type ClusterProcess,
  type CoordinatorProcess,
} from '../helpers/cluster.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

const STUDY = 'live';
const TRIALS = 12;
const EPOCHS = 4;
const TOKEN = 'dashboard-test-token-0123456789abcdef';

/** What the store holds now, read as the CLI would. */
async function storeSnapshot(db: string): Promise<{ trials: TrialRecord[]; epochs: Map<number, number> }> {
  const store = SqliteTrialStore.open(db);
  try {
    const study = await store.getStudy(STUDY);
    const trials = await store.listTrials(study.id);
    const epochs = new Map<number, number>();
    for (const trial of trials) epochs.set(trial.number, (await store.getEpochs(trial.id)).length);
    return { trials, epochs };
  } finally {
    await store.close();
  }
}

function count(trials: readonly TrialRecord[], state: string): number {
  return trials.filter((t) => t.state === state).length;
}

/** A GET with a chosen Host header (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the live dashboard in a real browser', { skip: browserSkipReason() }, () => {
  const dir = tempDir('sweeper-dashboard-');
  const db = join(dir, 'dashboard.db');
  const tokenFile = join(dir, 'token');
  const shots = testOutputDir('dashboard');
  let coordinator: CoordinatorProcess;
  let worker: ClusterProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const started = Date.now();
  const diagnostics = (): string => [coordinator, worker].map((p) => `--- ${p.logFile}\n${p.logTail()}`).join('\n');
  const screenshot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };

  before(async () => {
    writeFileSync(tokenFile, `${TOKEN}\n`);
    coordinator = await startCoordinatorProcess(dir, db, ['--token-file', tokenFile, '--dashboard', '127.0.0.1:0']);
    assert.ok(coordinator.dashboard, 'the coordinator printed its dashboard address');
    base = coordinator.dashboard;
    worker = startWorkerProcess(dir, coordinator.address, ['--threads', '2', '--token-file', tokenFile]);
    // The browser first: its start-up must not eat the sweep the test watches.
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // 12 trials of 4 epochs of 0.5 s on 2 threads: about 12 s of sweep to watch.
    const sweep = writeSyntheticSweep(dir, STUDY, { trials: TRIALS, epochs: EPOCHS, epochSeconds: 0.5 });
    const submitted = await runCli(['submit', sweep, '--coordinator', coordinator.address, '--token-file', tokenFile]);
    assert.equal(submitted.code, 0, submitted.stderr);
    console.log(`dashboard screenshots: ${shots}`);
  });

  after(async () => {
    await browser?.close();
    worker?.child.kill('SIGTERM');
    coordinator?.child.kill('SIGTERM');
    await Promise.all([worker?.done, coordinator?.done]);
    console.log(`dashboard browser test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('a request without the token is refused, in the browser and from a script', async () => {
    assert.equal((await fetch(`${base}api/studies`)).status, 401);
    assert.equal((await fetch(`${base}api/studies?token=wrong-token-0123456789`)).status, 401);
    assert.equal((await fetch(`${base}api/studies`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    assert.equal((await fetch(`${base}assets/dashboard.js`)).status, 401, 'even the page script needs the token');
    assert.equal((await fetch(`${base}api/studies`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    const refused = await page.goto(base);
    assert.equal(refused?.status(), 401);
    assert.match(await page.locator('body').innerText(), /requires its token/);
    await screenshot('0-refused-without-token');
  });

  test('?token= once sets an HttpOnly cookie and leaves the address; the studies page matches the store', async () => {
    const opened = await page.goto(`${base}?token=${TOKEN}`);
    assert.equal(opened?.status(), 200);
    assert.equal(page.url(), base, 'the token is gone from the address');
    const [cookie] = await context.cookies();
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly');
    assert.notEqual(cookie?.value, TOKEN, 'the cookie holds a derived value, not the token');

    const row = page.locator(`tr[data-study="${STUDY}"]`);
    await row.waitFor();
    assert.equal(
      await row
        .locator('[data-field="progress"]')
        .innerText()
        .then((t) => t.split('/')[1]),
      String(TRIALS),
    );
    await screenshot('1-studies');
  });

  test("the workers page lists the worker, its threads and its running trials' epochs, as `sweeper status` does", async () => {
    await page.goto(`${base}workers`);
    const workerRow = page.locator('#workers-table tr[data-worker]');
    await workerRow.first().waitFor();
    assert.equal(await workerRow.count(), 1);
    assert.equal(await workerRow.locator('[data-field="threads"]').innerText(), '2');
    assert.equal(await workerRow.locator('[data-field="host-pid"]').innerText(), `${hostname()}:${worker.child.pid}`);
    // Both threads busy, at some epoch past the first: the page follows the coordinator's memory.
    await page.waitForFunction(
      `document.querySelectorAll('#runs-table tr[data-trial]').length === 2 && [...document.querySelectorAll('#runs-table [data-field="epoch"]')].some((cell) => Number(cell.textContent) >= 1)`,
      undefined,
      { timeout: 20_000 },
    );
    const status = await runCli(['status', '--coordinator', coordinator.address, '--token-file', tokenFile, '--json']);
    assert.equal(status.code, 0, status.stderr);
    const [statusWorker] = (JSON.parse(status.stdout) as { workers: { id: string; threads: number }[] }).workers;
    assert.equal(await workerRow.getAttribute('data-worker'), statusWorker?.id);
    await screenshot('2-workers');
  });

  test('the study page updates while the sweep runs, then matches the store: counts, best, table, charts', async () => {
    await page.goto(`${base}studies/${STUDY}`);
    await page.locator('#summary [data-field="progress"]').waitFor();
    await page.evaluate('window.loadedOnce = true');
    const finishedShown = async (): Promise<number> =>
      Number((await page.locator('#summary [data-field="progress"]').innerText()).split('/')[0]);
    const first = await finishedShown();
    assert.ok(first < TRIALS, `the sweep is still running when the page opens (${first} finished)\n${diagnostics()}`);
    await screenshot('3-study-running');
    await page.waitForFunction(
      `Number(document.querySelector('#summary [data-field="progress"]').textContent.split('/')[0]) > ${first}`,
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(await page.evaluate('window.loadedOnce'), true, 'updated in place, not by reloading');

    await waitFor(
      'the sweep to finish',
      () => readTrials(db, STUDY).filter((t) => t.state === 'COMPLETE').length === TRIALS,
      60_000,
      diagnostics,
    );
    await page.locator('#summary [data-field="progress"]', { hasText: `${TRIALS}/${TRIALS}` }).waitFor({ timeout: 10_000 });
    const { trials } = await storeSnapshot(db);
    for (const state of ['QUEUED', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAILED']) {
      assert.equal(await page.locator(`#summary [data-count="${state}"]`).innerText(), String(count(trials, state)), state);
    }
    const best = trials.filter((t) => t.result).sort((a, b) => (a.result?.value ?? 0) - (b.result?.value ?? 0))[0];
    assert.ok(best?.result);
    assert.equal(
      Number(await page.locator('[data-field="best-value"]').getAttribute('data-value')),
      best.result.value,
      'the exact best value',
    );
    assert.equal(await page.locator('[data-field="best-value"]').innerText(), best.result.value.toFixed(4));
    assert.equal(await page.locator('[data-field="best-trial"]').innerText(), `trial ${best.number}`);

    // The table: every trial; sorted by the objective (by the server), the best comes first, then last.
    const rows = page.locator('#trials-table tbody tr');
    const shows = (part: string): Promise<unknown> =>
      page.waitForFunction(`(document.querySelector('#trials-table').getAttribute('data-query') || '').includes(${JSON.stringify(part)})`);
    await page.waitForFunction(`document.querySelectorAll('#trials-table tbody tr[data-state="COMPLETE"]').length === ${TRIALS}`);
    assert.equal(await rows.count(), TRIALS);
    await page.locator('#trials-table th[data-sort="value"]').click();
    await shows('sort=value&order=asc');
    assert.equal(await rows.first().getAttribute('data-trial'), String(best.number));
    await page.locator('#trials-table th[data-sort="value"]').click();
    await shows('sort=value&order=desc');
    assert.equal(await rows.last().getAttribute('data-trial'), String(best.number));
    // Filters: by state, and by text in any column (a parameter's value here).
    await page.selectOption('#state-filter', 'FAILED');
    await shows('state=FAILED');
    assert.equal(await rows.count(), 0);
    await page.selectOption('#state-filter', 'COMPLETE');
    await shows('state=COMPLETE');
    assert.equal(await rows.count(), TRIALS);
    await page.fill('#text-filter', 'adam');
    await shows('q=adam');
    assert.equal(await rows.count(), trials.filter((t) => t.params.optimizer === 'adam').length);
    assert.match(await page.locator('#shown').innerText(), new RegExp(`of \\d+ matching, ${TRIALS} trials`));
    await page.fill('#text-filter', '');
    await page.selectOption('#state-filter', '');

    // The report's charts: one figure per chart id; each drawn chart is an SVG.
    const charts = page.locator('#charts figure.chart');
    await charts.first().waitFor();
    await page.waitForFunction(
      `[...document.querySelectorAll('#charts figure.chart')].every((f) => f.querySelector('svg') || f.querySelector('.note'))`,
      undefined,
      { timeout: 20_000 },
    );
    assert.ok((await page.locator('#charts figure.chart svg').count()) >= 1, 'at least one chart drawn');
    await screenshot('4-study-finished');
  });

  test("a trial page shows the trial's epochs and curves as the store has them", async () => {
    const { trials, epochs } = await storeSnapshot(db);
    const trial = trials.find((t) => t.state === 'COMPLETE');
    assert.ok(trial?.result);
    await page.goto(`${base}studies/${STUDY}/trials/${trial.number}`);
    await page.locator('#epochs-table').waitFor();
    assert.equal(await page.locator('#epochs-table tbody tr').count(), epochs.get(trial.number));
    assert.equal(await page.locator('#summary [data-field="epochs"]').innerText(), String(EPOCHS));
    assert.equal(Number(await page.locator('#summary [data-field="value"]').getAttribute('data-value')), trial.result.value);
    await page.locator('#curves svg').waitFor();
    await screenshot('5-trial');
  });

  test('`sweeper dashboard` serves the same store on its own: no workers page, loopback Host names only', async () => {
    const standalone = startCli(['dashboard', '--db', db, '--listen', '127.0.0.1:0']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        standalone.child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /dashboard on (\S+)/.exec(out);
          if (match) resolve(match[1] as string);
        });
        void standalone.done.then((result) => reject(new Error(`sweeper dashboard exited (${result.code}): ${result.stderr}`)));
      });
      const own = await browser.newPage();
      await own.goto(url);
      const row = own.locator(`tr[data-study="${STUDY}"]`);
      await row.waitFor();
      assert.equal(await row.locator('[data-count="COMPLETE"]').innerText(), String(TRIALS));
      assert.equal(await own.locator('nav a[href="/workers"]').count(), 0, 'no workers link without a coordinator');
      await own.goto(`${url}workers`);
      assert.match(await own.locator('.error').innerText(), /known to a coordinator only/);
      assert.equal(await getWithHost(url, 'attacker.example'), 403, 'a re-bound DNS name is refused');
      assert.equal((await fetch(url, { method: 'POST' })).status, 405, 'read-only');
      await own.close();
    } finally {
      standalone.child.kill('SIGTERM');
    }
    const result = await standalone.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /dashboard stopped/);
  });
});
