import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, startCli } from '../helpers/cli-process.js';
import { writeSyntheticSweep } from '../helpers/cluster.js';
import { skipWithoutNamespaces, sweeperInContainer, type ContainerLike } from '../helpers/container-namespaces.js';
import { readTrials, waitForTrials } from '../helpers/poll-store.js';
import { SweeperProcess } from '../helpers/sweeper-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/*
 * The other half of judging owners by their lock: a live one is never overridden, even seen from
 * a container where its PID does not exist (two containers sharing the store's volume), and only
 * a person's --take-over runs a study whose owner still holds it.
 */

const dir = tempDir('sweeper-live-owner-');
/** Long enough on one thread (a second a trial) to be still running after three refused resumes, however slow the machine. */
const BUDGET = 24;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function resumeInContainer(container: ContainerLike, db: string): Promise<{ code: number | null; stderr: string; tail: string }> {
  const resume = sweeperInContainer('resume', container, ['resume', 'live', '--db', db, '--no-progress']);
  const { code } = await resume.exited;
  return { code, stderr: resume.stderr, tail: resume.tail() };
}

describe('a study whose owner is alive', () => {
  test(
    'is refused to `resume`, from this host or from a container; `--take-over` runs it with a warning',
    { timeout: 180_000 },
    async (t) => {
      if (skipWithoutNamespaces(t)) return;
      const db = join(dir, 'live.db');
      const file = writeSyntheticSweep(dir, 'live', { trials: BUDGET, epochs: 4, epochSeconds: 0.25 });
      const run = new SweeperProcess('run', ['run', file, '--db', db, '--threads', '1', '--no-progress']);
      await waitForTrials(db, 'live', (trials) => trials.some((trial) => trial.state === 'RUNNING'));
      const owned = new RegExp(
        `^error: study "live" is being run by process ${run.pid} on ${escapeRegExp(hostname())} since .+\\nhint: .*--take-over`,
        'm',
      );

      // PID 1 of its own namespace: the run's PID does not exist there, and yet the run is alive.
      const fromContainer = await resumeInContainer({}, db);
      assert.equal(fromContainer.code, 2, fromContainer.tail);
      assert.match(fromContainer.stderr, owned);
      const fromOtherHost = await resumeInContainer({ hostname: 'pod-b' }, db);
      assert.equal(fromOtherHost.code, 2, fromOtherHost.tail);
      assert.match(fromOtherHost.stderr, owned);
      run.assertRunning('while the resumes were refused');

      // Hung, not dead (SIGSTOP): it still holds the lock, so only a person can decide.
      process.kill(run.pid, 'SIGSTOP');
      t.after(() => run.kill());
      const plain = await runCli(['resume', 'live', '--db', db, '--no-progress']);
      assert.equal(plain.code, 2, plain.stderr);
      assert.match(plain.stderr, owned);
      const taker = startCli(['resume', 'live', '--db', db, '--threads', '2', '--no-progress', '--take-over']);
      t.after(() => taker.child.kill('SIGKILL'));
      await until(() => /warning: --take-over/.test(taker.output.stderr), { what: 'the take-over warning', signal: t.signal });
      assert.match(
        taker.output.stderr,
        new RegExp(
          `warning: --take-over: study "live" was still locked by process ${run.pid} on ${escapeRegExp(hostname())} \\(since .+\\); taking it over all the same\\.\\n.*both now run the study`,
        ),
      );
      process.kill(run.pid, 'SIGKILL');

      const done = await taker.done;
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, new RegExp(`^study live: ${BUDGET} complete, 0 failed, 0 pruned, 0 queued\\n`));
      assert.equal(readTrials(db, 'live').length, BUDGET, 'the budget, not more');
    },
  );
});
