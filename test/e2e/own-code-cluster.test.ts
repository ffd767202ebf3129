import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TrialDetailJson } from '../../src/views/trial-detail-json.js';
import { runCli } from '../helpers/cli-process.js';
import { waitForStudies } from '../helpers/coordinator-status.js';
import { freePort } from '../helpers/free-port.js';
import { pathWithPython, pythonWithTorch } from '../helpers/python-torch.js';
import { SweeperProcess } from '../helpers/sweeper-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * examples/pytorch, the user's own PyTorch program, swept by TPE with the median pruner through a
 * real coordinator and two real workers, as docs/own-code.md shows it: the sweep file is the
 * example's, shortened (8 trials of 4 epochs on 1,500 images) and with a quicker pruner, so that
 * some trials are pruned. Then the store's queries as for built-in training, and no process of
 * any run left behind.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const STUDY = 'pytorch-mlp';
const TRIALS = 8;

interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  worker: string;
}

/**
 * Processes whose working directory is `dir` other than Node's: the runs' programs (Python) and
 * anything they started. The workers and their reapers, Node processes, work in that folder too.
 */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const node = readlinkSync(`/proc/${entry}/exe`) === process.execPath;
      if (!node && readlinkSync(`/proc/${entry}/cwd`) === dir) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** examples/pytorch copied into `dir`, its sweep shortened; the PATH on which python3 has PyTorch. */
function shortenedExample(dir: string, python: string, trials: number, epochs: number): { example: string; env: NodeJS.ProcessEnv } {
  const example = join(dir, 'pytorch');
  cpSync(join(REPO, 'examples/pytorch'), example, { recursive: true });
  const sweep = join(example, 'sweep.yaml');
  const shortened = readFileSync(sweep, 'utf8')
    .replace(/--beta1, "\$\{beta1\?\}"\]/, '--beta1, "${beta1?}", --train-size, "1500", --test-size, "500"]')
    .replace(/epochs: 8\b/, `epochs: ${epochs}`)
    .replace(/n_startup_trials: 3/, 'n_startup_trials: 2')
    .replace(/n_warmup_steps: 2/, 'n_warmup_steps: 1')
    .replace(/trials: 12/, `trials: ${trials}`);
  for (const change of ['--train-size', `epochs: ${epochs}`, 'n_warmup_steps: 1', `trials: ${trials}`])
    assert.ok(shortened.includes(change), `the example's sweep file still has what this test shortens (${change})`);
  writeFileSync(sweep, shortened);
  return { example, env: { PATH: pathWithPython(dir, python) } };
}

describe('your own training code on a cluster', () => {
  const python = pythonWithTorch();
  // With CI set, a missing PyTorch is a failure (.ci/run installs python3-torch), never a skip.
  const skip = python === undefined && !process.env.CI ? 'no python3 with PyTorch: apt-get install python3-torch' : false;

  test(
    'examples/pytorch: a coordinator, two workers, TPE and the median pruner; epochs in the store, best, show and report',
    { skip, timeout: 10 * 60_000 },
    async (t) => {
      assert.ok(python, 'no python3 with PyTorch: .ci/run installs python3-torch');
      const dir = tempDir('sweeper-own-code-');
      const { example, env } = shortenedExample(dir, python, TRIALS, 4);

      const address = `127.0.0.1:${await freePort()}`;
      const coordinator = new SweeperProcess('coordinator', ['coordinator', '--db', 'cluster.db', '--listen', address], { cwd: dir });
      t.after(() => coordinator.kill());
      await coordinator.waitForOutput(/^coordinator listening on /m, t.signal);
      // A submitted sweep's program runs in each worker's working directory, as `wandb agent` does:
      // a user starts the workers in the project's folder.
      const workers = [1, 2].map(
        (n) => new SweeperProcess(`worker ${n}`, ['worker', '--coordinator', address, '--threads', '1'], { cwd: example, env }),
      );
      t.after(() => workers.forEach((w) => w.kill()));
      const submitted = await runCli(['submit', 'pytorch/sweep.yaml', '--coordinator', address], { cwd: dir });
      assert.equal(submitted.code, 0, submitted.stderr);
      await waitForStudies(['--coordinator', address], [STUDY], { signal: t.signal, coordinator, workers, cwd: dir });

      const ok = async (...args: string[]): Promise<string> => {
        const result = await runCli([...args, '--db', 'cluster.db'], { cwd: dir });
        assert.equal(result.code, 0, `sweeper ${args.join(' ')}: ${result.stderr}`);
        return result.stdout;
      };
      const trials = (JSON.parse(await ok('trials', STUDY, '--json')) as { trials: TrialJson[] }).trials;
      assert.equal(trials.length, TRIALS);
      const states = trials.map((trial) => trial.state);
      assert.ok(
        states.every((state) => state === 'COMPLETE' || state === 'PRUNED'),
        `every trial trained: ${JSON.stringify(trials)}\n${workers.map((w) => w.tail(10)).join('\n')}`,
      );
      assert.ok(states.includes('PRUNED'), `the median pruner stopped some trials: ${states.join(', ')}`);
      assert.equal(new Set(trials.map((trial) => trial.worker)).size, 2, 'both workers ran trials');
      const best = trials.filter((trial) => trial.state === 'COMPLETE').sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0];
      assert.ok(best && (best.value ?? 0) > 0.5, `real training on Fashion-MNIST: the best validation accuracy is ${best?.value}`);

      // Each epoch's metrics are in the store, as the program reported them.
      const shown = JSON.parse(await ok('show', STUDY, String(best.number), '--json')) as TrialDetailJson;
      const epochs = shown.epochs.filter((e) => e.repeat === 0);
      assert.deepEqual(
        epochs.map((e) => e.epoch),
        [1, 2, 3, 4],
      );
      assert.ok(
        epochs.every((e) => (e.val_accuracy ?? 0) > 0 && (e.val_loss ?? 0) > 0 && (e.train_loss ?? 0) > 0),
        JSON.stringify(epochs),
      );
      assert.ok((shown.repeats[0]?.test?.accuracy ?? 0) > 0.5, 'the final line gave the test evaluation');

      assert.match(await ok('best', STUDY), new RegExp(`^best \\d+ of study ${STUDY} by val_accuracy \\(maximize\\):\\n`));
      assert.match(await ok('report', STUDY, '-o', 'report.html'), /^wrote the report of study pytorch-mlp to report\.html/);
      assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /val_accuracy/);

      // No run's program outlives its run: pruned ones were stopped, finished ones exited.
      assert.deepEqual(processesIn(example), [], 'no process of any run is left');
    },
  );

  test('README.md: sweeper run examples/pytorch/sweep.yaml on this machine', { skip, timeout: 10 * 60_000 }, async () => {
    assert.ok(python, 'no python3 with PyTorch: .ci/run installs python3-torch');
    const dir = tempDir('sweeper-own-code-run-');
    const { example, env } = shortenedExample(dir, python, 4, 2);
    const result = await runCli(['run', 'pytorch/sweep.yaml', '--db', 'runs.db', '--threads', '2'], { cwd: dir, env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^study pytorch-mlp: \d+ complete, 0 failed, \d+ pruned, 0 queued$/m);
    assert.match(result.stdout, /best \d+ by val_accuracy \(maximize\):/);
    assert.deepEqual(processesIn(example), [], 'no process of any run is left');
  });
});
