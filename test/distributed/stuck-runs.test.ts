import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess, type CoordinatorProcess } from '../helpers/cluster.js';
import { waitForTrials, type TrialRow } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

/**
 * Every way a run can stall ends its attempt, with real processes: a coordinator, and a worker
 * that sends a report the coordinator can never accept, or whose run hangs while its heartbeats
 * go on, or whose result the store refuses. The trial runs again, then fails with the
 * coordinator's reason after --max-attempts; the study reaches its budget; `status` shows no run
 * that will not end.
 */
const dir = tempDir();
const FAULTY_WORKER = fileURLToPath(new URL('../helpers/faulty-worker.js', import.meta.url));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** The tiny sweep with a test split (the path that hung), 3 trials of 1 epoch, and `extra` settings. */
function writeSweep(study: string, extra = ''): string {
  const path = join(dir, `${study}.yaml`);
  writeFileSync(
    path,
    tinySweepYaml({
      study: `study: ${study}`,
      dataset: 'dataset:\n  name: bundled-mnist\n  limit: 1200\n  validation: 200\n  test: 200',
      training: 'training:\n  epochs: 1\n  batch_size: 50\n  optimizer: adam\n  learning_rate: 0.01',
      budget: 'budget:\n  trials: 3',
      extra,
    }),
  );
  return path;
}

function startFaultyWorker(address: string, fault: 'poison' | 'hang', trial: number): ChildProcess {
  const child = spawn(process.execPath, [FAULTY_WORKER, address, fault, String(trial)], { stdio: ['ignore', 'ignore', 'ignore'] });
  children.push(child);
  return child;
}

async function coordinator(name: string): Promise<{ db: string; process: CoordinatorProcess }> {
  const db = join(dir, `${name}.db`);
  const process = await startCoordinatorProcess(dir, db, ['--max-attempts', '2', '--lease-timeout', '3'], `${name}-coordinator`);
  return { db, process };
}

async function submit(address: string, file: string): Promise<void> {
  const submitted = await runCli(['submit', file, '--coordinator', address]);
  assert.equal(submitted.code, 0, submitted.stderr);
}

/** Waits for the budget: every trial finished, none running or queued. */
function finished(db: string, study: string, process: CoordinatorProcess): Promise<TrialRow[]> {
  return waitForTrials(
    db,
    study,
    (trials) => trials.length === 3 && trials.every((t) => ['COMPLETE', 'PRUNED', 'FAILED'].includes(t.state)),
    240_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${process.logTail(30)}`);
  });
}

/** `sweeper status` as a user runs it: the study finished, no run left. */
async function assertNothingRunning(address: string, study: string): Promise<void> {
  const result = await runCli(['status', '--coordinator', address, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const status = JSON.parse(result.stdout) as { runs: unknown[]; studies: { name: string; counts: Record<string, number> }[] };
  assert.deepEqual(status.runs, [], 'no run is left running');
  const counts = status.studies.find((s) => s.name === study)?.counts;
  assert.equal(counts?.RUNNING, 0);
  assert.equal(counts?.QUEUED, 0);
}

describe('a run that can never end well ends its attempt (real coordinator and workers)', () => {
  test(
    'a report the coordinator can never accept: the attempt ends with its reason, then the trial fails; the study reaches its budget',
    { timeout: 300_000 },
    async () => {
      const { db, process } = await coordinator('poison');
      startFaultyWorker(process.address, 'poison', 0);
      await submit(process.address, writeSweep('poison'));
      const trials = await finished(db, 'poison', process);
      const [poisoned, ...others] = trials;
      assert.equal(poisoned?.state, 'FAILED');
      assert.equal(poisoned?.attempt, 2, 'it ran again once');
      assert.match(
        poisoned?.reason ?? '',
        /^attempt 2 was lost: worker \S+ sent a report the coordinator cannot accept \(report: events\[\d+\]: outcome: test: accuracy: must be <= 1, but got 1\.5\); gave up after 2 lost attempts$/,
      );
      assert.deepEqual(
        others.map((t) => t.state),
        ['COMPLETE', 'COMPLETE'],
        'the worker goes on with the other trials',
      );
      await assertNothingRunning(process.address, 'poison');
    },
  );

  test('a run that heartbeats but reports no epoch for run_timeout: given up, run again, then failed', { timeout: 300_000 }, async () => {
    const { db, process } = await coordinator('hang');
    startFaultyWorker(process.address, 'hang', 1);
    await submit(process.address, writeSweep('hang', 'run_timeout: 3'));
    const trials = await finished(db, 'hang', process);
    const hung = trials.find((t) => t.number === 1);
    assert.equal(hung?.state, 'FAILED');
    assert.equal(hung?.attempt, 2);
    assert.equal(hung?.reason, 'attempt 2 timed out: repeat 0 reported no epoch for 3 s (run_timeout); gave up after 2 lost attempts');
    assert.deepEqual(
      trials.filter((t) => t.number !== 1).map((t) => t.state),
      ['COMPLETE', 'COMPLETE'],
    );
    await assertNothingRunning(process.address, 'hang');
  });

  test("a result the store refuses: the attempt ends with the store's reason, then the trial fails", { timeout: 300_000 }, async () => {
    const { db, process } = await coordinator('refused');
    // A real fault in the real database: every result of trial 0 is refused, as a full disk or a
    // broken constraint would refuse it.
    const fault = new Database(db);
    fault.exec(`CREATE TRIGGER inject_fault BEFORE INSERT ON trial_repeats
                WHEN (SELECT number FROM trials WHERE id = NEW.trial_id) = 0
                BEGIN SELECT RAISE(ABORT, 'injected fault: database or disk is full'); END`);
    fault.close();
    startWorkerProcess(dir, process.address, ['--threads', '1'], 'refused-worker');
    await submit(process.address, writeSweep('refused'));
    const [refused, ...others] = await finished(db, 'refused', process);
    assert.equal(refused?.state, 'FAILED');
    assert.match(
      refused?.reason ?? '',
      /^attempt 2 failed: the result of repeat 0 could not be stored \(.*injected fault: database or disk is full.*\); gave up after 2 lost attempts$/,
    );
    assert.deepEqual(
      others.map((t) => t.state),
      ['COMPLETE', 'COMPLETE'],
    );
    await assertNothingRunning(process.address, 'refused');
  });
});
