import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess, type CoordinatorProcess } from '../helpers/cluster.js';
import { checkpointEpochs, readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * Issue 16, point 3: runs interrupted between epochs 1 and 5 of 6, the furthest at 3 or later (their
 * worker SIGKILLed, or `sweeper run` SIGKILLed) goes on from its checkpoint in its next attempt, and everything stored of it, every
 * metric of every epoch and the repeat's result with its test evaluation, is bit-identical to a
 * run never interrupted. Three trials at once, between them: an MLP with SGD and momentum, an MLP
 * with RMSprop under the mi_relative schedule (mutual information measured every epoch), a CNN with
 * batch norm and Adam; dropout and a batch-size change (32, then 64 from epoch 4) in all three.
 */
const SWEEP = `study: resume
seed: 11
dataset: { name: bundled-mnist, limit: 2000, validation: 300, test: 300 }
model: { depth: 1, width: 64, activation: relu, dropout: 0.2, kernel: 5, padding: same, pool: 2, channels_1: 4, conv_layers: 1 }
training:
  epochs: 6
  batch_size: 32
  batch_size_change_epoch: 4
  batch_size_after: 64
  optimizer: adam
  learning_rate: 0.001
  mi_samples: 500
space:
  architecture: { type: categorical, choices: [mlp, cnn] }
  optimizer: { type: categorical, choices: [sgd, rmsprop], when: { architecture: mlp } }
  momentum: { type: categorical, choices: [0.9], when: { optimizer: sgd } }
  lr_schedule: { type: categorical, choices: [mi_relative], when: { optimizer: rmsprop } }
  width: { type: categorical, choices: [768], when: { architecture: mlp } }
  depth: { type: categorical, choices: [2], when: { architecture: mlp } }
  batch_norm: { type: categorical, choices: [true], when: { architecture: cnn } }
sampler: { type: grid }
`;
const TRIALS = 3;

/** What a run leaves in the store, without the seconds (the one thing an interruption may change). */
interface Stored {
  readonly epochs: Record<number, unknown[]>;
  readonly repeats: Record<number, unknown[]>;
}

/** Each epoch's seconds by `trial.repeat.epoch`: a row written again (an epoch trained again) has others. */
function epochSeconds(db: string): Map<string, number> {
  const store = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = store
      .prepare('SELECT t.number, e.repeat, e.epoch, e.epoch_seconds FROM trial_epochs e JOIN trials t ON t.id = e.trial_id')
      .all() as { number: number; repeat: number; epoch: number; epoch_seconds: number }[];
    return new Map(rows.map((row) => [`${row.number}.${row.repeat}.${row.epoch}`, row.epoch_seconds]));
  } finally {
    store.close();
  }
}

function readStored(db: string): Stored {
  const store = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const epochs: Record<number, unknown[]> = {};
    for (const row of store
      .prepare(
        `SELECT t.number, e.repeat, e.epoch, e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy, e.learning_rate,
                e.mutual_information, e.extra
           FROM trial_epochs e JOIN trials t ON t.id = e.trial_id ORDER BY t.number, e.repeat, e.epoch`,
      )
      .all() as { number: number }[])
      (epochs[row.number] ??= []).push(row);
    const repeats: Record<number, unknown[]> = {};
    for (const row of store
      .prepare(
        `SELECT t.number, r.repeat, r.seed, r.value, r.epochs, r.best_epoch, r.test
           FROM trial_repeats r JOIN trials t ON t.id = r.trial_id ORDER BY t.number, r.repeat`,
      )
      .all() as { number: number }[])
      (repeats[row.number] ??= []).push(row);
    return { epochs, repeats };
  } finally {
    store.close();
  }
}

/**
 * Every trial has a checkpoint and the furthest is of epoch 3 to 5: the moment to kill. (No
 * checkpoint is taken after the sixth and last epoch, so none has ended.) The trials differ in
 * speed, more so when the machine is busy: the slowest need only have finished its first epoch
 * when the fastest finishes its third.
 */
function allAtEpochThree(db: string): boolean {
  const epochs = [...checkpointEpochs(db).values()];
  return epochs.length === TRIALS && Math.max(...epochs) >= 3 && Math.max(...epochs) <= 5;
}

/** Fails the wait at once if a trial finished before the kill: it would never come. */
function noneFinished(db: string): void {
  let trials: ReturnType<typeof readTrials>;
  try {
    trials = readTrials(db, 'resume');
  } catch {
    return; // the store is still being made
  }
  const finished = trials.filter((trial) => trial.state !== 'RUNNING');
  assert.deepEqual(finished, [], 'a trial ended before every trial had checkpointed an epoch: the trials are too unequal in speed');
}

/** Waits for the moment to kill (allAtEpochThree), failing at once if a trial ends first. */
function untilKillMoment(db: string, signal: AbortSignal): Promise<true> {
  return until(() => allAtEpochThree(db), {
    what: 'every trial to checkpoint an epoch, one of them epoch 3',
    signal,
    intervalMs: 25,
    check: () => noneFinished(db),
  });
}

/** Waits for every trial to complete, failing at once on an error in the coordinator's log. */
function untilComplete(db: string, signal: AbortSignal, coordinator: CoordinatorProcess): Promise<true> {
  return until(() => readTrials(db, 'resume').every((trial) => trial.state === 'COMPLETE') || undefined, {
    what: 'the trials to complete',
    signal,
    intervalMs: 250,
    check: () => assert.doesNotMatch(coordinator.logTail(5), /"level":50/),
  });
}

/**
 * What an interruption leaves to go on from: each trial's checkpoint epoch, and the seconds of
 * the epochs up to it, which the next attempt must not train again.
 */
function atInterruption(db: string): { checkpoints: Map<number, number>; seconds: Map<string, number> } {
  const checkpoints = checkpointEpochs(db);
  const seconds = new Map(
    [...epochSeconds(db)].filter(([key]) => Number(key.split('.')[2]) <= (checkpoints.get(Number(key.split('.')[0])) ?? 0)),
  );
  for (const [trial, epoch] of checkpoints) assert.ok(epoch < 6, `trial ${trial} was not interrupted`);
  return { checkpoints, seconds };
}

function checkResumed(db: string, clean: Stored, log: string, before: ReturnType<typeof atInterruption>): void {
  const trials = readTrials(db, 'resume');
  assert.deepEqual(
    trials.map((t) => [t.number, t.state, t.attempt]),
    Array.from({ length: TRIALS }, (_, n) => [n, 'COMPLETE', 2]),
    'every trial was interrupted once and finished in its second attempt',
  );
  // Each went on from its checkpoint (not from epoch 1): the log says so for every trial.
  for (let n = 0; n < TRIALS; n++)
    assert.match(log, new RegExp(`"trial":${n},"repeat":0,"epoch":[1-5],"msg":"repeat goes on from its checkpoint"`));
  assert.deepEqual(readStored(db), clean);
  // The epochs up to each checkpoint were not trained again: their rows are those of the first attempt.
  const after = epochSeconds(db);
  assert.equal(
    before.seconds.size,
    [...before.checkpoints.values()].reduce((sum, epoch) => sum + epoch, 0),
  );
  for (const [key, seconds] of before.seconds) assert.equal(after.get(key), seconds, `epoch ${key} was trained again`);
  // Ended trials keep no checkpoint (checkpoint.keep is 0): their rows are gone.
  assert.equal(checkpointEpochs(db).size, 0);
}

/**
 * And their files, once the process that wrote the store has exited: a file goes after its row,
 * and a checkpoint still on the wire when its trial ended is written, refused, then removed.
 */
function checkNoCheckpointFiles(db: string): void {
  assert.deepEqual(readdirSync(join(`${db}.checkpoints`, 'study-1')), []);
}

describe('exact resume from checkpoints (real processes, real training)', () => {
  const dir = tempDir('sweeper-resume-');
  writeFileSync(join(dir, 'resume.yaml'), SWEEP);
  let clean: Stored;

  test('a clean run, never interrupted, as the reference', { timeout: 10 * 60_000 }, async () => {
    const run = await runCli(['run', 'resume.yaml', '--db', 'clean.db', '--threads', '3', '--no-progress'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    clean = readStored(join(dir, 'clean.db'));
    assert.equal(Object.keys(clean.repeats).length, TRIALS);
    for (let n = 0; n < TRIALS; n++) assert.equal(clean.epochs[n]?.length, 6);
  });

  test(
    'a worker SIGKILLed at epoch 3 of 6 (the furthest run): another worker goes on from the checkpoints, bit-identical',
    { timeout: 10 * 60_000 },
    async (t) => {
      const db = join(dir, 'cluster.db');
      const coordinator = await startCoordinatorProcess(dir, db);
      const first = startWorkerProcess(dir, coordinator.address, ['--threads', '3'], 'first-worker');
      const submitted = await runCli(['submit', join(dir, 'resume.yaml'), '--coordinator', coordinator.address]);
      assert.equal(submitted.code, 0, submitted.stderr);
      await untilKillMoment(db, t.signal);
      first.child.kill('SIGKILL');
      await first.done;
      const interrupted = atInterruption(db);
      startWorkerProcess(dir, coordinator.address, ['--threads', '3'], 'second-worker');
      await untilComplete(db, t.signal, coordinator);
      checkResumed(db, clean, readFileSync(coordinator.logFile, 'utf8'), interrupted);
      coordinator.child.kill('SIGTERM');
      await coordinator.done;
      checkNoCheckpointFiles(db);
    },
  );

  test(
    'the coordinator and the worker both SIGKILLed at epoch 3 of 6: a new coordinator on the store and a new worker go on from the checkpoints',
    { timeout: 10 * 60_000 },
    async (t) => {
      const db = join(dir, 'crash.db');
      const coordinator = await startCoordinatorProcess(dir, db, [], 'crashed-coordinator');
      const worker = startWorkerProcess(dir, coordinator.address, ['--threads', '3'], 'crashed-worker');
      const submitted = await runCli(['submit', join(dir, 'resume.yaml'), '--coordinator', coordinator.address]);
      assert.equal(submitted.code, 0, submitted.stderr);
      await untilKillMoment(db, t.signal);
      coordinator.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
      await Promise.all([coordinator.done, worker.done]);
      const interrupted = atInterruption(db);
      // The store alone carries the sweep over: the study, its trials, epochs and checkpoints.
      const restarted = await startCoordinatorProcess(dir, db, [], 'restarted-coordinator');
      startWorkerProcess(dir, restarted.address, ['--threads', '3'], 'new-worker');
      await untilComplete(db, t.signal, restarted);
      checkResumed(db, clean, readFileSync(restarted.logFile, 'utf8'), interrupted);
      restarted.child.kill('SIGTERM');
      await restarted.done;
      checkNoCheckpointFiles(db);
    },
  );

  test(
    '`sweeper run` SIGKILLed at epoch 3 of 6 (the furthest run), then `sweeper resume`: bit-identical',
    { timeout: 10 * 60_000 },
    async (t) => {
      const db = join(dir, 'local.db');
      const { child, done } = startCli(['run', 'resume.yaml', '--db', 'local.db', '--threads', '3', '--no-progress'], { cwd: dir });
      await untilKillMoment(db, t.signal);
      child.kill('SIGKILL');
      await done;
      const interrupted = atInterruption(db);
      const resumed = await runCli(['resume', 'resume', '--db', 'local.db', '--log-file', 'resume.log'], { cwd: dir });
      assert.equal(resumed.code, 0, resumed.stderr);
      checkResumed(db, clean, readFileSync(join(dir, 'resume.log'), 'utf8'), interrupted);
      checkNoCheckpointFiles(db);
    },
  );
});
