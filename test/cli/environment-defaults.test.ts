import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli, startCli } from '../helpers/cli-process.js';
import { helpOptions } from '../helpers/help-options.js';
import { tempDir } from '../helpers/temp-dir.js';
import { unusedPort } from '../helpers/unused-port.js';
import { writeTinySweep } from '../helpers/tiny-sweep.js';

const dir = tempDir();

// The variables of docs/cli.md ("Commands"), each with a local store and coordinator.
describe('SWEEPER_DB, SWEEPER_COORDINATOR and SWEEPER_TOKEN_FILE stand for the options', () => {
  test('SWEEPER_DB is the store of every command that takes --db; --db wins', async () => {
    const db = join(dir, 'env.db');
    const file = writeTinySweep(dir, { study: 'study: envy', budget: 'budget:\n  trials: 2' });
    const run = await runCli(['run', file, '--threads', '1', '--json'], { env: { SWEEPER_DB: db }, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const env = { SWEEPER_DB: db };
    for (const args of [
      ['best', 'envy', '--json'],
      ['trials', 'envy', '--json'],
      ['show', 'envy', '0', '--json'],
      ['export', 'envy'],
      ['studies', '--json'],
    ]) {
      const result = await runCli(args, { env });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /envy|number,state/, args.join(' '));
    }
    const flagWins = await runCli(['best', 'envy', '--db', join(dir, 'other.db')], { env });
    assert.equal(flagWins.code, 2);
    assert.match(flagWins.stderr, /no trial store at .*other\.db/);
    const empty = await runCli(['studies'], { env: { SWEEPER_DB: '' } });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /option '--db <path>' value '' from env 'SWEEPER_DB' is invalid/);
  });

  test('SWEEPER_COORDINATOR and SWEEPER_TOKEN_FILE reach the coordinator with its token; the flags win', async () => {
    const token = join(dir, 'token');
    writeFileSync(token, 'a-token-long-enough-for-the-rule\n', { mode: 0o600 });
    // The coordinator itself takes the token file from the environment, and so requires it.
    const coordinator = startCli(['coordinator', '--db', join(dir, 'coordinator.db'), '--listen', '127.0.0.1:0', '--log-level', 'silent'], {
      env: { SWEEPER_TOKEN_FILE: token },
    });
    after(() => coordinator.child.kill('SIGKILL'));
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      coordinator.child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /coordinator listening on (\S+)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      void coordinator.done.then((result) => reject(new Error(`the coordinator exited: ${result.stderr}`)));
    });

    const status = await runCli(['status'], { env: { SWEEPER_COORDINATOR: address, SWEEPER_TOKEN_FILE: token } });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`coordinator ${address.replace(/\./g, '\\.')} `));

    const withoutToken = await runCli(['status'], { env: { SWEEPER_COORDINATOR: address } });
    assert.equal(withoutToken.code, 2, 'the coordinator requires the token it was given through the environment');
    assert.match(withoutToken.stderr, /requires its token/);

    const elsewhere = `127.0.0.1:${await unusedPort()}`;
    const flagWins = await runCli(['status', '--coordinator', elsewhere], {
      env: { SWEEPER_COORDINATOR: address, SWEEPER_TOKEN_FILE: token },
    });
    assert.notEqual(flagWins.code, 0);
    assert.match(flagWins.stderr, new RegExp(elsewhere.replace(/\./g, '\\.')));

    const wrongToken = join(dir, 'wrong-token');
    writeFileSync(wrongToken, 'not-the-token-of-this-coordinator\n', { mode: 0o600 });
    const tokenFlagWins = await runCli(['status', '--token-file', wrongToken], {
      env: { SWEEPER_COORDINATOR: address, SWEEPER_TOKEN_FILE: token },
    });
    assert.equal(tokenFlagWins.code, 2);
    assert.match(tokenFlagWins.stderr, /requires its token/);
  });

  test('--help names the variable beside each option it stands for', async () => {
    const expected: Record<string, Record<string, string>> = {
      '--db': {
        run: 'SWEEPER_DB',
        resume: 'SWEEPER_DB',
        best: 'SWEEPER_DB',
        trials: 'SWEEPER_DB',
        show: 'SWEEPER_DB',
        export: 'SWEEPER_DB',
        studies: 'SWEEPER_DB',
        report: 'SWEEPER_DB',
        coordinator: 'SWEEPER_DB',
        dashboard: 'SWEEPER_DB',
      },
      '--coordinator': { worker: 'SWEEPER_COORDINATOR', submit: 'SWEEPER_COORDINATOR', status: 'SWEEPER_COORDINATOR' },
      '--token-file': {
        worker: 'SWEEPER_TOKEN_FILE',
        submit: 'SWEEPER_TOKEN_FILE',
        status: 'SWEEPER_TOKEN_FILE',
        coordinator: 'SWEEPER_TOKEN_FILE',
        dashboard: 'SWEEPER_TOKEN_FILE',
      },
    };
    const seen: Record<string, Record<string, string>> = { '--db': {}, '--coordinator': {}, '--token-file': {} };
    for (const command of [
      'run',
      'resume',
      'best',
      'trials',
      'show',
      'export',
      'studies',
      'report',
      'coordinator',
      'worker',
      'submit',
      'status',
      'dashboard',
    ]) {
      const options = helpOptions((await runCli([command, '--help'])).stdout);
      for (const name of Object.keys(seen)) {
        const option = options.get(name);
        if (option) (seen[name] as Record<string, string>)[command] = option.env ?? '(none)';
      }
    }
    assert.deepEqual(seen, expected);
  });
});
