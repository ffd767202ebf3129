import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_LEASE_MS } from '../../coordinator/coordinator.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../coordinator/connection-guard.js';
import { DEFAULT_MAX_ATTEMPTS } from '../../coordinator/sweep-runner.js';
import { runCli } from '../helpers/cli-process.js';
import { helpOptions, type HelpOption } from '../helpers/help-options.js';

const COMMANDS = [
  'run',
  'resume',
  'best',
  'trials',
  'show',
  'logs',
  'export',
  'studies',
  'report',
  'coordinator',
  'worker',
  'submit',
  'status',
  'dashboard',
  'migrate',
] as const;

/** Every command's options as its `--help` page, printed by the real binary, lists them. */
async function helpPages(): Promise<Map<string, Map<string, HelpOption>>> {
  const pages = new Map<string, Map<string, HelpOption>>();
  for (const command of COMMANDS) {
    const help = await runCli([command, '--help']);
    assert.equal(help.code, 0, help.stderr);
    pages.set(command, helpOptions(help.stdout));
  }
  return pages;
}

describe('help pages', () => {
  test('a duration in seconds shows its default in seconds, as it is typed', async () => {
    const pages = await helpPages();
    const durations = [...pages].flatMap(([command, options]) =>
      [...options.values()].filter((o) => o.placeholder === '<seconds>').map((o) => ({ command, ...o })),
    );
    assert.ok(durations.length >= 3, 'the coordinator and worker durations are found');
    for (const option of durations) {
      assert.match(option.default ?? '', /^\d+(\.\d+)?$/, `${option.command} ${option.name}: ${option.text}`);
      // A default of 1,000 s or more is milliseconds shown as seconds.
      assert.ok(Number(option.default) < 1000, `${option.command} ${option.name} shows ${option.default}`);
    }
    const coordinator = pages.get('coordinator');
    assert.equal(coordinator?.get('--lease-timeout')?.default, String(DEFAULT_LEASE_MS / 1000), "the coordinator's own default");
    assert.equal(coordinator?.get('--max-attempts')?.default, String(DEFAULT_MAX_ATTEMPTS));
    assert.equal(coordinator?.get('--max-connections')?.default, String(DEFAULT_CONNECTION_LIMITS.maxConnections));
    assert.equal(coordinator?.get('--auth-timeout')?.default, String(DEFAULT_CONNECTION_LIMITS.authTimeoutMs / 1000));
    assert.equal(coordinator?.get('--drain-timeout')?.default, '30');
    assert.equal(pages.get('worker')?.get('--drain-timeout')?.default, '30');
  });

  test('the defaults shown are values a user could type', async () => {
    for (const [command, options] of await helpPages()) {
      for (const option of options.values()) {
        assert.doesNotMatch(option.default ?? '', /^(\[.*\]|\{.*\}|undefined|null|NaN)$/, `${command} ${option.name}: ${option.text}`);
      }
    }
  });

  test('a duration typed in seconds is taken in seconds', async () => {
    const result = await runCli(['coordinator', '--lease-timeout', '0.05']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--lease-timeout must be at least 0\.1 seconds, but got 0\.05/);
  });
});
