import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

// The hint used to say "start the worker with --token-file" to submit and status as well.
describe('a refused token: the hint names the command that was run', () => {
  const dir = tempDir();
  let fixture: CoordinatorFixture;
  before(async () => {
    fixture = await startCoordinator(dir, 'hint', { token: 'a-shared-secret-of-some-length' });
  });
  after(async () => {
    await fixture.close();
  });

  test('submit, status and worker each name themselves', async () => {
    const sweep = join(dir, 'tiny.yaml');
    writeFileSync(sweep, tinySweepYaml());
    const wrongToken = join(dir, 'wrong-token');
    writeFileSync(wrongToken, 'definitely-the-wrong-token\n');
    const address = fixture.coordinator.address;
    const runs = {
      submit: await runCli(['submit', sweep, '--coordinator', address]),
      status: await runCli(['status', '--coordinator', address]),
      worker: await runCli(['worker', '--coordinator', address, '--token-file', wrongToken, '--threads', '1']),
    };
    for (const [command, result] of Object.entries(runs)) {
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /error: .*requires its token/, command);
      assert.match(
        result.stderr,
        new RegExp(`hint: give \`sweeper ${command}\` --token-file naming the coordinator's token`),
        `${command}: ${result.stderr}`,
      );
      assert.doesNotMatch(result.stderr, command === 'worker' ? /start the/ : /worker/, command);
    }
  });
});
