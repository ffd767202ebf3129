import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { writeSyntheticSweep } from '../helpers/cluster.js';
import { skipWithoutNamespaces, sweeperInContainer, type ContainerLike } from '../helpers/container-namespaces.js';
import { readTrials, waitForTrials, type TrialRow } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

/*
 * `sweeper run` in a container is PID 1, and so is the `sweeper resume` that the container's
 * restart (or the pod's rescheduling, on another host) starts. Neither PID nor hostname can tell
 * the dead run from the live resume: the study's lock must.
 */

const dir = tempDir('sweeper-container-');
const BUDGET = 8;

const finished = (trials: readonly TrialRow[]): TrialRow[] => trials.filter((t) => ['COMPLETE', 'FAILED', 'PRUNED'].includes(t.state));

function recordedOwner(db: string, study: string): { host: string; pid: number } | undefined {
  const store = new Database(db, { readonly: true });
  try {
    const row = store.prepare('SELECT owner FROM studies WHERE name = ?').get(study) as { owner: string | null } | undefined;
    return row?.owner == null ? undefined : (JSON.parse(row.owner) as { host: string; pid: number });
  } finally {
    store.close();
  }
}

/** `sweeper run` in a container, killed with its container (SIGKILL) while trials run; returns the trials it left RUNNING. */
async function crashMidSweep(study: string, container: ContainerLike): Promise<{ db: string; orphans: TrialRow[] }> {
  const db = join(dir, `${study}.db`);
  const file = writeSyntheticSweep(dir, study, { trials: BUDGET, epochs: 4, epochSeconds: 0.25 });
  const run = sweeperInContainer(`run ${study}`, container, ['run', file, '--db', db, '--threads', '2', '--no-progress']);
  try {
    await waitForTrials(
      db,
      study,
      (trials) => finished(trials).length >= 1 && finished(trials).length <= BUDGET - 3 && trials.some((t) => t.state === 'RUNNING'),
    );
  } catch (error) {
    run.kill();
    throw new Error(`${(error as Error).message}\n${run.tail()}`, { cause: error });
  }
  run.kill();
  await run.exited;
  const orphans = readTrials(db, study).filter((t) => t.state === 'RUNNING');
  assert.ok(orphans.length > 0, 'trials were running when the container died');
  return { db, orphans };
}

async function resumeInContainer(t: TestContext, study: string, db: string, container: ContainerLike): Promise<void> {
  const resume = sweeperInContainer(`resume ${study}`, container, ['resume', study, '--db', db, '--threads', '2', '--no-progress']);
  t.after(() => resume.kill());
  const { code } = await resume.exited;
  assert.equal(code, 0, resume.tail());
  assert.match(resume.stdout, new RegExp(`^study ${study}: ${BUDGET} complete, 0 failed, 0 pruned, 0 queued\\n`));
}

function assertFinishedOnce(db: string, study: string, orphans: readonly TrialRow[]): void {
  const final = readTrials(db, study);
  assert.equal(final.length, BUDGET, 'the budget, not more');
  assert.equal(finished(final).length, BUDGET);
  for (const orphan of orphans)
    assert.equal(final.find((t) => t.number === orphan.number)?.attempt, 2, `trial ${orphan.number}, running at the crash, ran again`);
}

describe('a study restarted in a container (PID and UTS namespaces)', () => {
  test(
    '`sweeper run` killed as PID 1, resumed as PID 1 in a new container: the dead PID 1 is not mistaken for the live one',
    { timeout: 180_000 },
    async (t) => {
      if (skipWithoutNamespaces(t)) return;
      const { db, orphans } = await crashMidSweep('pid-one', {});
      assert.equal(recordedOwner(db, 'pid-one')?.pid, 1, 'the dead run is on record as PID 1');
      await resumeInContainer(t, 'pid-one', db, {});
      assertFinishedOnce(db, 'pid-one', orphans);
    },
  );

  test(
    '`sweeper run` killed on host pod-a, resumed on host pod-b (a rescheduled pod): the other host is not taken for alive',
    { timeout: 180_000 },
    async (t) => {
      if (skipWithoutNamespaces(t)) return;
      const { db, orphans } = await crashMidSweep('moved', { hostname: 'pod-a' });
      const dead = recordedOwner(db, 'moved');
      assert.deepEqual([dead?.host, dead?.pid], ['pod-a', 1], 'the dead run is on record on host pod-a');
      await resumeInContainer(t, 'moved', db, { hostname: 'pod-b' });
      assertFinishedOnce(db, 'moved', orphans);
    },
  );
});
