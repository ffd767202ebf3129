import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { runCli, startCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess } from '../helpers/cluster.js';
import { pathWithPython, pythonWithTorch } from '../helpers/python-torch.js';
import { checkpointEpochs, readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * Issue 16, point 4: a user's own program checkpoints through SWEEPER_CHECKPOINT_DIR. The PyTorch
 * example saves its model, optimizer, best epoch and shuffling generator there before each
 * report; its worker is SIGKILLed at epoch 2-4 of 6; another worker unpacks the checkpoint, sets
 * SWEEPER_RESUME_EPOCH, and the program goes on from there. Every stored metric and the test
 * evaluation are what a run never interrupted stores, and the epochs before the checkpoint are
 * not trained again.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TRIALS = 2;
const SWEEP = `study: torch-resume
seed: 5
command:
  argv: [python3, train.py, --lr, "\${lr}", --hidden, "1024", --optimizer, adam, --train-size, "6000", --test-size, "500"]
  env: { OMP_NUM_THREADS: 1 }
  epochs: 6
  timeout: 600
space:
  lr: { type: categorical, choices: [0.001, 0.0003] }
sampler: { type: grid }
objective: { metric: val_accuracy, direction: maximize }
`;

interface Row {
  number: number;
  epoch: number;
  epoch_seconds: number;
}

function read(db: string, sql: string): Record<string, unknown>[] {
  const store = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return store.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    store.close();
  }
}

const EPOCHS = `SELECT t.number, e.epoch, e.val_accuracy, e.val_loss, e.train_loss, e.epoch_seconds
                  FROM trial_epochs e JOIN trials t ON t.id = e.trial_id ORDER BY t.number, e.epoch`;
const RESULTS =
  'SELECT t.number, r.value, r.epochs, r.best_epoch, r.test FROM trial_repeats r JOIN trials t ON t.id = r.trial_id ORDER BY 1';

const timeless = (rows: Record<string, unknown>[]): unknown[] => rows.map(({ epoch_seconds: _seconds, ...rest }) => rest);

describe('your own program goes on from its checkpoint', () => {
  const python = pythonWithTorch();
  const skip = python === undefined && !process.env.CI ? 'no python3 with PyTorch: apt-get install python3-torch' : false;

  test(
    'examples/pytorch: its worker SIGKILLed mid-run, another goes on from SWEEPER_CHECKPOINT_DIR, bit-identical',
    { skip, timeout: 10 * 60_000 },
    async (t) => {
      assert.ok(python, 'no python3 with PyTorch: .ci/run installs python3-torch');
      const dir = tempDir('sweeper-own-code-resume-');
      const example = join(dir, 'pytorch');
      cpSync(join(REPO, 'examples/pytorch'), example, { recursive: true });
      writeFileSync(join(example, 'resume.yaml'), SWEEP);
      const env = { PATH: pathWithPython(dir, python) };

      const clean = await runCli(['run', 'resume.yaml', '--db', join(dir, 'clean.db'), '--threads', '2', '--no-progress'], {
        cwd: example,
        env,
      });
      assert.equal(clean.code, 0, clean.stderr);
      const cleanEpochs = read(join(dir, 'clean.db'), EPOCHS);
      assert.equal(cleanEpochs.length, TRIALS * 6);

      const db = join(dir, 'cluster.db');
      const coordinator = await startCoordinatorProcess(dir, db);
      // Workers start in the project's folder, as a user starts them: the program finds train.py there.
      const worker = (name: string): ReturnType<typeof startCli> =>
        startCli(['worker', '--coordinator', coordinator.address, '--threads', '2', '--log-file', join(dir, `${name}.log`)], {
          cwd: example,
          env,
        });
      const one = worker('one');
      const submitted = await runCli(['submit', join(example, 'resume.yaml'), '--coordinator', coordinator.address]);
      assert.equal(submitted.code, 0, submitted.stderr);
      await until(
        () => {
          const epochs = checkpointEpochs(db);
          // Both have a checkpoint, the furthest of epoch 2 to 4 (the two train alike, at one pace).
          const furthest = Math.max(...epochs.values());
          return epochs.size === TRIALS && furthest >= 2 && furthest <= 4;
        },
        {
          what: 'both runs to checkpoint epoch 2',
          signal: t.signal,
          intervalMs: 25,
          check: () =>
            assert.deepEqual(
              readTrials(db, 'torch-resume').filter((trial) => trial.state === 'COMPLETE'),
              [],
            ),
        },
      );
      one.child.kill('SIGKILL');
      await one.done;
      const atKill = checkpointEpochs(db);
      const kept = (read(db, EPOCHS) as unknown as Row[]).filter((row) => row.epoch <= (atKill.get(row.number) ?? 0));
      const two = worker('two');
      t.after(() => two.child.kill('SIGKILL'));
      await until(() => readTrials(db, 'torch-resume').every((trial) => trial.state === 'COMPLETE') || undefined, {
        what: 'the trials to complete',
        signal: t.signal,
        intervalMs: 250,
      });
      const trials = readTrials(db, 'torch-resume');
      assert.deepEqual(
        trials.map((trial) => trial.attempt),
        [2, 2],
        'both were interrupted once',
      );
      const epochs = read(db, EPOCHS);
      assert.deepEqual(timeless(epochs), timeless(cleanEpochs));
      assert.deepEqual(read(db, RESULTS), read(join(dir, 'clean.db'), RESULTS));
      // Not trained again: the epochs up to each checkpoint are the first attempt's rows.
      assert.equal(
        kept.length,
        [...atKill.values()].reduce((a, b) => a + b, 0),
      );
      for (const row of kept)
        assert.equal(
          (epochs as unknown as Row[]).find((e) => e.number === row.number && e.epoch === row.epoch)?.epoch_seconds,
          row.epoch_seconds,
          `trial ${row.number} trained epoch ${row.epoch} again`,
        );
      assert.deepEqual(checkpointEpochs(db), new Map(), 'no checkpoint is left once the trials ended');
      coordinator.child.kill('SIGTERM');
      await coordinator.done;
    },
  );
});
