import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, startCli } from '../helpers/cli-process.js';
import { checkpointEpochs, readTrials, waitForTrials, type TrialRow } from '../helpers/poll-store.js';
import { shortenSweep, SWEEPS_DIR } from '../helpers/shortened-sweep.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeTinySweep } from '../helpers/tiny-sweep.js';

const dir = tempDir();

const finished = (trials: TrialRow[]): TrialRow[] => trials.filter((t) => ['COMPLETE', 'FAILED', 'PRUNED'].includes(t.state));

/** Each trial's parameters, by number, as `sweeper trials --json` gives them. */
async function trialParams(cwd: string): Promise<Map<number, Record<string, unknown>>> {
  const result = await runCli(['trials', 'quickstart', '--db', 'runs.db', '--json'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  const { trials } = JSON.parse(result.stdout) as { trials: { number: number; params: Record<string, unknown> }[] };
  return new Map(trials.map((t) => [t.number, t.params]));
}

describe('interrupting and resuming', () => {
  test('docs/cli.md: `sweeper run sweeps/quickstart.yaml --db runs.db --threads 2`, Ctrl-C, `sweeper resume quickstart --db runs.db`', async () => {
    // The quick start file (shortened to 4 trials of 2 epochs; its test split kept), typed as docs/cli.md types it.
    const cwd = join(dir, 'readme');
    shortenSweep(join(SWEEPS_DIR, 'quickstart.yaml'), join(cwd, 'sweeps'), { trials: 4, epochs: 2 });
    const db = join(cwd, 'runs.db');
    const { child, done } = startCli(['run', 'sweeps/quickstart.yaml', '--db', 'runs.db', '--threads', '2'], { cwd });
    await waitForTrials(db, 'quickstart', (trials) => finished(trials).length >= 1);
    child.kill('SIGINT');
    const stopped = await done;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /SIGINT: stopping; running trials go back to the queue/);
    assert.match(stopped.stdout, /^study quickstart: \d complete, 0 failed, 0 pruned, \d queued \(interrupted\)\n/);
    assert.match(stopped.stdout, /\ncontinue with: sweeper resume quickstart --db runs\.db\n$/);

    // "running trials stop within one batch and go back to the queue; everything finished stays"
    const afterStop = readTrials(db, 'quickstart');
    assert.equal(afterStop.filter((t) => t.state === 'RUNNING').length, 0, 'nothing is left RUNNING');
    const requeued = afterStop.filter((t) => t.state === 'QUEUED');
    assert.ok(requeued.length > 0, 'the running trials went back to the queue');
    // Their epochs after the last checkpoint were dropped; those up to it stay, to go on from.
    const checkpoints = checkpointEpochs(db);
    for (const trial of requeued)
      assert.equal(trial.epochs, checkpoints.get(trial.number) ?? 0, 'their epochs past the checkpoint were dropped');
    const done1 = finished(afterStop);
    assert.ok(done1.length >= 1 && done1.length < 4);
    const paramsBefore = await trialParams(cwd);

    const resumed = await runCli(['resume', 'quickstart', '--db', 'runs.db'], { cwd });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /^study quickstart: 4 complete, 0 failed, 0 pruned, 0 queued\nbest 4 by val_accuracy \(maximize\):\n/);
    const final = readTrials(db, 'quickstart');
    assert.equal(final.length, 4, 'the budget, not more');
    assert.equal(finished(final).length, 4);
    // "Finished trials are never run again; interrupted ones are re-run with the next attempt number, keeping their parameters."
    for (const before of done1)
      assert.deepEqual(
        final.find((t) => t.number === before.number),
        before,
        `finished trial ${before.number} is untouched`,
      );
    for (const trial of requeued) assert.equal(final.find((t) => t.number === trial.number)?.attempt, 2);
    const paramsAfter = await trialParams(cwd);
    for (const [number, params] of paramsBefore) assert.deepEqual(paramsAfter.get(number), params, `trial ${number} kept its parameters`);
    const { trials } = JSON.parse((await runCli(['trials', 'quickstart', '--db', 'runs.db', '--json'], { cwd })).stdout) as {
      trials: { test_accuracy: number | null }[];
    };
    assert.ok(
      trials.every((t) => typeof t.test_accuracy === 'number'),
      'each trial evaluated on the test split, resumed ones too',
    );
  });

  test('after SIGKILL, resume re-queues the trials that were running and finishes', async () => {
    const db = join(dir, 'sigkill.db');
    const file = writeTinySweep(
      dir,
      { study: 'study: killed', budget: 'budget:\n  trials: 8', training: 'training:\n  epochs: 4' },
      'sigkill.yaml',
    );
    const { child, done } = startCli(['run', file, '--db', db, '--threads', '2']);
    // Kill well before the end, so that trials are surely running at that moment.
    const atKill = await waitForTrials(
      db,
      'killed',
      (trials) => finished(trials).length >= 1 && finished(trials).length <= 4 && trials.some((t) => t.state === 'RUNNING'),
    );
    child.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    const orphans = readTrials(db, 'killed').filter((t) => t.state === 'RUNNING');
    assert.ok(orphans.length > 0, `running at kill time: ${atKill.map((t) => t.state).join(',')}`);

    const resumed = await runCli(['resume', 'killed', '--db', db, '--threads', '2']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const final = readTrials(db, 'killed');
    assert.equal(final.length, 8);
    assert.equal(finished(final).length, 8);
    for (const orphan of orphans) assert.equal(final.find((t) => t.number === orphan.number)?.attempt, 2);
  });

  test('a study being run cannot be resumed by a second process', async () => {
    const db = join(dir, 'busy.db');
    // The first process is paused (SIGSTOP) while the second asks, so it is still running then
    // however fast training is, and its owner's process alive.
    const file = writeTinySweep(
      dir,
      { study: 'study: busy', budget: 'budget:\n  trials: 12', training: 'training:\n  epochs: 5' },
      'busy.yaml',
    );
    const { child, done } = startCli(['run', file, '--db', db, '--threads', '1']);
    await waitForTrials(db, 'busy', (trials) => trials.some((t) => t.state === 'RUNNING'));
    child.kill('SIGSTOP');
    let second: Awaited<ReturnType<typeof runCli>>;
    try {
      second = await runCli(['resume', 'busy', '--db', db]);
    } finally {
      child.kill('SIGCONT');
    }
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`error: study "busy" is being run by process ${child.pid} on `));
    child.kill('SIGINT');
    assert.equal((await done).code, 130);
    const resumed = await runCli(['resume', 'busy', '--db', db, '--threads', '2']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(finished(readTrials(db, 'busy')).length, 12);
  });
});
