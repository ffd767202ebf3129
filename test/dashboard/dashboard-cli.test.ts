import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('dashboard options: bad input is refused with a clear error and exit code 2', () => {
  const dir = tempDir();
  const token = join(dir, 'token');
  const shortToken = join(dir, 'short');
  writeFileSync(token, 'a-dashboard-token-of-enough-length\n');
  writeFileSync(shortToken, 'short\n');
  const missingDb = join(dir, 'missing.db');

  const cases: { name: string; args: string[]; error: RegExp; hint?: RegExp }[] = [
    {
      name: 'an unknown store',
      args: ['dashboard', '--db', missingDb, '--listen', '127.0.0.1:0'],
      error: /no trial store at .*missing\.db/,
      hint: /--db PATH/,
    },
    {
      name: 'a bad listen address',
      args: ['dashboard', '--db', missingDb, '--listen', 'localhost'],
      error: /--listen must be HOST:PORT .*but got "localhost"/,
    },
    {
      name: 'a port out of range',
      args: ['dashboard', '--db', missingDb, '--listen', '127.0.0.1:70000'],
      error: /--listen must be HOST:PORT/,
    },
    {
      name: 'a non-loopback address without a token',
      args: ['dashboard', '--db', missingDb, '--listen', '0.0.0.0:0'],
      error: /--listen 0\.0\.0\.0:0 can be reached from other machines/,
      hint: /--token-file/,
    },
    {
      name: 'a token file too short',
      args: ['dashboard', '--db', missingDb, '--listen', '0.0.0.0:0', '--token-file', shortToken],
      error: /--token-file: the token in .*short must be at least 16 characters, but it has 5/,
    },
    {
      name: 'a missing token file',
      args: ['dashboard', '--db', missingDb, '--token-file', join(dir, 'nope')],
      error: /--token-file: cannot read .*nope: ENOENT/,
    },
    {
      name: "the coordinator's --dashboard on a non-loopback address without a token",
      args: ['coordinator', '--db', join(dir, 'c.db'), '--listen', '127.0.0.1:0', '--dashboard', '0.0.0.0:0'],
      error: /--dashboard 0\.0\.0\.0:0 can be reached from other machines/,
    },
    {
      name: "the coordinator's bad --dashboard address",
      args: ['coordinator', '--db', join(dir, 'c.db'), '--listen', '127.0.0.1:0', '--dashboard', 'nowhere'],
      error: /--dashboard must be HOST:PORT/,
    },
  ];
  for (const { name, args, error, hint } of cases) {
    test(name, async () => {
      const result = await runCli(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^error: ${error.source}`, 'm'));
      if (hint) assert.match(result.stderr, new RegExp(`^hint: .*${hint.source}`, 'm'));
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  test('a dashboard address already in use', async () => {
    const db = join(dir, 'empty.db');
    await SqliteTrialStore.open(db).close();
    const server = createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
    try {
      const result = await runCli(['dashboard', '--db', db, '--listen', `127.0.0.1:${port}`]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^error: cannot serve the dashboard on 127\\.0\\.0\\.1:${port}: EADDRINUSE`, 'm'));
    } finally {
      server.close();
    }
  });
});
