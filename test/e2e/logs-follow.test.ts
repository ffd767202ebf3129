import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { readStatus, waitForStudies } from '../helpers/coordinator-status.js';
import { program } from '../helpers/command-runs.js';
import { freePort } from '../helpers/free-port.js';
import { SweeperProcess } from '../helpers/sweeper-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * `sweeper logs STUDY TRIAL --follow`: a running command trial's output, fetched from its worker
 * through a real coordinator as the program prints it, until the run ends. The program waits,
 * after its first line, for a file the test writes once the follower has printed that line: so
 * the follower is known to start while the run goes on, however slow the machine. The command as
 * docs/cli.md and docs/own-code.md show it, on loopback.
 */
const STUDY = 'follow';

function sweepFile(dir: string): string {
  const go = join(dir, 'go');
  const script = program(
    dir,
    'slow.sh',
    [
      'echo line 1',
      `while [ ! -e '${go}' ]; do sleep 0.1; done`,
      'for i in $(seq 2 50); do echo line $i; sleep 0.2; done',
      `printf '{"epoch":1,"val_loss":1}\\n' >&3`,
      '',
    ].join('\n'),
  );
  const path = join(dir, 'follow.yaml');
  writeFileSync(
    path,
    [
      `study: ${STUDY}`,
      'command:',
      `  argv: [sh, ${JSON.stringify(script)}]`,
      '  epochs: 1',
      'space:',
      '  x: { type: float, low: 0, high: 1 }',
      'objective: { metric: val_loss, direction: minimize }',
      'budget: { trials: 1 }',
      '',
    ].join('\n'),
  );
  return path;
}

describe('sweeper logs --follow', () => {
  test(
    'prints a running trial’s output as it comes, line 1 to 50 in order, and exits 0 once the run ends',
    { timeout: 5 * 60_000 },
    async (t) => {
      const dir = tempDir('sweeper-follow-');
      const sweep = sweepFile(dir);
      const address = `127.0.0.1:${await freePort()}`;
      const coordinator = new SweeperProcess('coordinator', ['coordinator', '--db', 'cluster.db', '--listen', address], { cwd: dir });
      t.after(() => coordinator.kill());
      await coordinator.waitForOutput(/^coordinator listening on /m, t.signal);
      const worker = new SweeperProcess('worker', ['worker', '--coordinator', address, '--threads', '1', '--logs', join(dir, 'logs')], {
        cwd: dir,
      });
      t.after(() => worker.kill());

      const submitted = await runCli(['submit', sweep, '--coordinator', address], { cwd: dir });
      assert.equal(submitted.code, 0, submitted.stderr);
      // The trial's run is on the worker: `status` names the worker that runs it.
      await until(
        async () => (await readStatus(['--coordinator', address], dir)).runs.find((run) => run.trial === 0 && run.worker !== null),
        {
          what: 'trial 0 to run on the worker',
          signal: t.signal,
          check: () => worker.assertRunning(),
        },
      );

      const follower = new SweeperProcess('logs --follow', ['logs', STUDY, '0', '--follow', '--coordinator', address], { cwd: dir });
      t.after(() => follower.kill());
      await until(() => follower.stdout.includes('line 1\n'), {
        what: 'the follower to print the first line',
        signal: t.signal,
        check: () => follower.assertRunning(),
      });
      assert.ok(!follower.stdout.includes('line 2\n'), 'the program waits for the test before its second line');
      writeFileSync(join(dir, 'go'), '');

      const result = await follower.done;
      assert.equal(result.code, 0, follower.tail());
      const lines = result.stdout.split('\n').filter((line) => line !== '');
      assert.deepEqual(
        lines,
        Array.from({ length: 50 }, (_, i) => `line ${i + 1}`),
        'every line, once, in order',
      );
      assert.match(
        result.stderr,
        new RegExp(`the run of trial 0 of study "${STUDY}" has ended; its kept log: sweeper logs ${STUDY} 0 --db FILE`),
      );

      await waitForStudies(['--coordinator', address], [STUDY], { signal: t.signal, coordinator, workers: [worker], cwd: dir });

      // The run has ended: nothing to follow, and the CLI says where the kept log is.
      const ended = await runCli(['logs', STUDY, '0', '--follow', '--coordinator', address], { cwd: dir });
      assert.equal(ended.code, 2, ended.stderr);
      assert.equal(ended.stdout, '');
      assert.match(ended.stderr, /^error: trial 0 of study "follow" is not running \(it has ended, or has not started\)/m);
      assert.match(ended.stderr, /^hint: `sweeper logs follow 0 --db FILE` prints the log kept/m);

      // An unknown study or trial is an error naming it.
      const noStudy = await runCli(['logs', 'nosuch', '0', '--follow', '--coordinator', address], { cwd: dir });
      assert.equal(noStudy.code, 2, noStudy.stderr);
      assert.match(noStudy.stderr, /^error: no study named "nosuch"/m);
      const noTrial = await runCli(['logs', STUDY, '7', '--follow', '--coordinator', address], { cwd: dir });
      assert.equal(noTrial.code, 2, noTrial.stderr);
      assert.match(noTrial.stderr, /^error: study follow has no trial 7/m);

      await worker.stop('SIGTERM');
      await coordinator.stop('SIGTERM');
    },
  );
});
