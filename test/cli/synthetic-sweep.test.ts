import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSweepFile } from '../../src/config/load-sweep-file.js';
import { syntheticLoss } from '../../src/synthetic/synthetic-loss.js';
import type { SyntheticTask } from '../../src/synthetic/synthetic-task.js';
import { runCli } from '../helpers/cli-process.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

const FILE = fileURLToPath(new URL('../../../sweeps/synthetic.yaml', import.meta.url));

interface TrialJson {
  number: number;
  state: string;
  value: number;
  epochs: number;
  train_seconds: number;
  params: Record<string, string | number>;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

describe('sweeper run sweeps/synthetic.yaml', () => {
  test('runs the synthetic sweep without training, and finds the region of the optimum', async () => {
    const dir = tempDir();
    const db = join(dir, 'synthetic.db');
    const run = await runCli(['run', FILE, '--db', db, '--no-progress', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const output = JSON.parse(run.stdout) as { study: { counts: Record<string, number> }; interrupted: boolean; best: TrialJson[] };
    assert.equal(output.interrupted, false);
    assert.deepEqual(output.study.counts, { QUEUED: 0, RUNNING: 0, COMPLETE: 30, PRUNED: 0, FAILED: 0 });

    const listed = await runCli(['trials', 'synthetic', '--db', db, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const { trials } = JSON.parse(listed.stdout) as { trials: TrialJson[] };
    const task = (await loadSweepFile(FILE)).definition.task as SyntheticTask;
    for (const trial of trials) {
      // The objective is val_loss at the best (last) epoch: the known function plus 1/3.
      assert.ok(Math.abs(trial.value - (syntheticLoss(task, trial.params) + 1 / 3)) < 1e-9, `trial ${trial.number}`);
      assert.equal(trial.epochs, 3);
      assert.ok(trial.train_seconds >= 0.14, `three epochs of 0.05 s were slept: ${trial.train_seconds}`);
    }
    const best = output.best[0] ?? assert.fail('no best trial');
    const values = trials.map((t) => t.value);
    assert.ok(best.value < median(values), `best ${best.value}, median ${median(values)}`);
    assert.equal(best.params.optimizer, 'adam', 'the optimum choice: any other costs more than both numeric parameters can');

    const resumed = await runCli(['resume', 'synthetic', '--db', db, '--no-progress', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readTrials(db, 'synthetic').length, 30, 'a finished synthetic study resumes to nothing');
  });
});
