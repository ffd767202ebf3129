import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { result, studyDefinition } from '../store/study-fixture.js';

/** dist/dashboard/browser/, where the build puts the page script's modules. */
const COMPILED = fileURLToPath(new URL('../../dashboard/browser/', import.meta.url));

/** Markup in every string a user or a worker supplies: the pages must show it as text. */
const MARKUP = `<img src=x onerror="window.pwned=1">&amp;"'`;

describe("the page script's modules and what they show", () => {
  const dir = tempDir('sweeper-dashboard-script-');
  let store: SqliteTrialStore;
  let dashboard: DashboardServer;

  before(async () => {
    store = SqliteTrialStore.open(join(dir, 'script.db'));
    const study = await store.createStudy(studyDefinition(`s${MARKUP}`));
    const done = await store.createTrial(study.id, { lr: MARKUP, depth: 2 }, { worker: `w${MARKUP}` });
    await store.finishTrial(done.id, 1, { state: 'COMPLETE', result: result(0.5) });
    const failed = await store.createTrial(study.id, { lr: 0.01, depth: 3 }, { worker: 'host:1' });
    await store.finishTrial(failed.id, 1, { state: 'FAILED', reason: `r${MARKUP}` });
    dashboard = await DashboardServer.start({ store, listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger() });
  });

  after(async () => {
    await dashboard?.close();
    await store?.close();
  });

  test('the page shell loads /assets/dashboard.js as a module, whose imports reach every compiled module, each served as JavaScript under the CSP', async () => {
    const shell = await (await fetch(dashboard.url)).text();
    assert.match(shell, /<script type="module" src="\/assets\/dashboard\.js"><\/script>/);
    const reached = new Set<string>();
    const pending = ['dashboard.js'];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (reached.has(name)) continue;
      reached.add(name);
      const response = await fetch(`${dashboard.url}assets/${name}`);
      assert.equal(response.status, 200, name);
      assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8', name);
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/, name);
      const code = await response.text();
      for (const [, imported] of code.matchAll(/^import .* from '\.\/([\w-]+\.js)';$/gm)) pending.push(imported as string);
      assert.doesNotMatch(code, /^import .* from '(?!\.\/)/m, `${name} imports only its siblings`);
    }
    const compiled = readdirSync(COMPILED).filter((file) => file.endsWith('.js'));
    assert.deepEqual([...reached].sort(), compiled.sort(), 'every compiled module is used, and none shadows charts.js');
    assert.ok(!compiled.includes('charts.js'));
  });

  test(
    'study names, parameter values, workers and failure reasons holding markup show as text, never as HTML',
    { skip: browserSkipReason() },
    async () => {
      let browser: Browser | undefined;
      try {
        browser = await launchBrowser();
        const page = await browser.newPage();
        const name = `s${MARKUP}`;

        await page.goto(dashboard.url);
        const row = page.locator('#studies tbody tr');
        await row.waitFor();
        assert.equal(await row.getAttribute('data-study'), name);
        assert.equal(await row.locator('a').innerText(), name);
        assert.equal(await row.locator('a').getAttribute('href'), `/studies/${encodeURIComponent(name)}`);

        await page.goto(`${dashboard.url}studies/${encodeURIComponent(name)}`);
        await page.locator('#trials-table tbody tr[data-trial="1"]').waitFor();
        assert.equal(await page.locator('h1 .name').innerText(), name);
        const trial = page.locator('#trials-table tbody tr[data-trial="0"]');
        assert.equal(await trial.locator('td').nth(7).innerText(), `w${MARKUP}`, 'the worker');
        const lr = trial.locator('td').nth(8);
        assert.equal(await lr.innerText(), MARKUP, 'the parameter value');
        assert.equal(await lr.getAttribute('title'), MARKUP, 'the parameter value, exact in the tooltip');
        assert.ok((await page.locator('#summary .params code').allInnerTexts()).includes(`lr=${MARKUP}`), 'the best parameters');
        assert.equal(
          await page.locator('#trials-table tbody tr[data-trial="1"]').getAttribute('title'),
          `r${MARKUP}`,
          'the failure reason',
        );

        await page.goto(`${dashboard.url}studies/${encodeURIComponent(name)}/trials/1`);
        await page.locator('#summary [data-field="state"]').waitFor();
        assert.equal(await page.locator('h1 a').innerText(), name);
        assert.equal(await page.locator('#summary tr', { hasText: 'reason' }).locator('td').innerText(), `r${MARKUP}`);

        assert.equal(await page.evaluate('window.pwned'), undefined, 'no markup ran');
        assert.equal(await page.locator('#app img').count(), 0, 'no markup became an element');
        await page.close();
      } finally {
        await browser?.close();
      }
    },
  );
});
