import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli-process.js';
import { startWorkerProcess, waitFor, writeSyntheticSweep } from '../helpers/cluster.js';
import { skipWithoutNamespaces, sweeperInContainer } from '../helpers/container-namespaces.js';
import type { NamespacedCli } from '../helpers/namespaced-cli.js';
import { readTrials, type TrialRow } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

/*
 * A coordinator in a container is PID 1, and so is the one the container's restart starts on the
 * same store: the restarted one must see the first one dead and carry on with its studies.
 */

const dir = tempDir('sweeper-coordinator-container-');
const BUDGET = 12;
const complete = (trials: readonly TrialRow[]): TrialRow[] => trials.filter((t) => t.state === 'COMPLETE');

function recordedPid(db: string, study: string): number | undefined {
  const store = new Database(db, { readonly: true });
  try {
    const row = store.prepare('SELECT owner FROM studies WHERE name = ?').get(study) as { owner: string | null } | undefined;
    return row?.owner == null ? undefined : (JSON.parse(row.owner) as { pid: number }).pid;
  } finally {
    store.close();
  }
}

describe('a coordinator restarted in a container', () => {
  test(
    'killed as PID 1 with a worker connected, started again as PID 1: it resumes the study, the worker comes back, the budget is reached',
    { timeout: 240_000 },
    async (t) => {
      if (skipWithoutNamespaces(t)) return;
      const db = join(dir, 'restart.db');
      const containers: NamespacedCli[] = [];
      t.after(() => containers.forEach((c) => c.kill()));
      const coordinatorIn = (name: string, listen: string): NamespacedCli => {
        const logFile = join(dir, `${name}.log`);
        const c = sweeperInContainer(
          name,
          {},
          ['coordinator', '--db', db, '--listen', listen, '--lease-timeout', '3', '--log-file', logFile],
          logFile,
        );
        containers.push(c);
        return c;
      };

      const first = coordinatorIn('first', '127.0.0.1:0');
      const address = (await first.waitForOutput(/coordinator listening on (\S+)/))[1] as string;
      const worker = startWorkerProcess(dir, address, ['--threads', '2'], 'worker');
      const file = writeSyntheticSweep(dir, 'restart', { trials: BUDGET, epochs: 6, epochSeconds: 0.25 });
      const submitted = await runCli(['submit', file, '--coordinator', address]);
      assert.equal(submitted.code, 0, submitted.stderr);
      const diagnostics = (): string => [...containers.map((c) => c.tail()), `--- ${worker.logFile}\n${worker.logTail()}`].join('\n');

      const atCrash = await waitFor(
        'some finished, some running',
        () => {
          const trials = readTrials(db, 'restart');
          return complete(trials).length >= 2 && trials.some((t) => t.state === 'RUNNING') && trials;
        },
        60_000,
        diagnostics,
      );
      first.kill();
      await first.exited;
      assert.equal(recordedPid(db, 'restart'), 1, 'the dead coordinator is on record as PID 1');

      // A new container on the same store and address: PID 1 again.
      const second = coordinatorIn('second', address);
      await second.waitForOutput(/coordinator listening on /);
      await second.waitForOutput(/resumed studies: restart\n/).catch((error: Error) => assert.fail(`${error.message}\n${diagnostics()}`));
      const trials = await waitFor(
        'the budget after the restart',
        () => {
          const ts = readTrials(db, 'restart');
          return complete(ts).length === BUDGET && ts;
        },
        120_000,
        diagnostics,
      );
      assert.equal(trials.length, BUDGET, 'the budget, not more');
      for (const before of complete(atCrash)) {
        assert.deepEqual(
          trials.find((t) => t.number === before.number),
          before,
          `finished trial ${before.number} is unchanged`,
        );
      }
      assert.equal(worker.child.exitCode, null, 'the worker kept running through the outage, and came back');
      assert.ok(
        second.logLines().some((line) => line.msg === 'the process that ran this study has ended: carrying on'),
        'the restart says why it carries on',
      );
      worker.child.kill('SIGTERM');
      await worker.done;
    },
  );
});
