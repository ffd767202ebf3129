import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'a-dashboard-token-of-enough-length';

/** One GET to the dashboard at `port` on 127.0.0.1, with `path` sent as typed and an optional Host. */
function get(port: number, path: string, host?: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', ...(host !== undefined && { headers: { host } }) }, (response) => {
      response.resume();
      resolve({
        status: response.statusCode ?? 0,
        ...(response.headers.location !== undefined && { location: response.headers.location }),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const portOf = (dashboard: DashboardServer): number => Number(/:(\d+)$/.exec(dashboard.address)?.[1]);

describe('dashboard access', () => {
  let store: SqliteTrialStore;
  const started: DashboardServer[] = [];
  before(() => {
    store = SqliteTrialStore.open(join(tempDir(), 'access.db'));
  });
  after(async () => {
    for (const dashboard of started) await dashboard.close();
    await store.close();
  });
  const start = async (host: string, token?: string): Promise<number> => {
    const dashboard = await DashboardServer.start({
      store,
      listen: { host, port: 0 },
      logger: silentLogger(),
      ...(token !== undefined && { token }),
    });
    started.push(dashboard);
    return portOf(dashboard);
  };

  test('the ?token= redirect stays on the dashboard, whatever slashes the path starts with', async () => {
    const port = await start('127.0.0.1', TOKEN);
    for (const path of ['/.//evil.com/', '//evil.com/', '/%2F/evil.com/', '/./\\evil.com/', '/studies/x']) {
      const response = await get(port, `${path}?token=${TOKEN}`);
      assert.equal(response.status, 303, path);
      assert.match(response.location ?? '', /^\/(?![/\\])/, `${path} -> ${response.location ?? ''}`);
    }
    assert.equal((await get(port, `/.//evil.com/?token=${TOKEN}`)).location, '/evil.com/');
  });

  test('served to the network without a token (--insecure), it still refuses foreign Host names', async () => {
    const port = await start('0.0.0.0');
    assert.equal((await get(port, '/api/studies', `evil.example:${port}`)).status, 403, 'a rebound DNS name');
    assert.equal((await get(port, '/api/studies', `127.0.0.1:${port}`)).status, 200);
    assert.equal((await get(port, '/api/studies', `192.0.2.7:${port}`)).status, 200, 'an IP address cannot be rebound');
    assert.equal((await get(port, '/api/studies', `localhost:${port}`)).status, 200);
  });
});
