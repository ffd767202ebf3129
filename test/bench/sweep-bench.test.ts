import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSweepFile } from '../../src/config/load-sweep-file.js';
import { peerProblem } from '../../bench/sweep-peer.js';
import { runBench } from '../helpers/bench-run.js';

/**
 * bench:sweep on its two default sweeps, cut to 2 trials of 1 epoch: ours runs `sweeper run` to
 * the end and, where Optuna and PyTorch are installed, the peer runs the same number of trials
 * of the same sweep (TPE and grid), the TPE one on exactly the configurations ours trained. No
 * rate is checked: that is the benchmark's job.
 */
test('bench:sweep runs the quick start and report 000 grid on both sides', { timeout: 300_000 }, async () => {
  const { stdout, values, resultLine } = await runBench('sweep', ['--trials', '2', '--epochs', '1']);
  assert.match(stdout, /^machine: .+, \d+ cores, Node v/m, 'the machine line');
  const peer = values.get('peer') !== 'skipped';
  for (const key of ['quickstart', 'report_000_learning_rates']) {
    assert.equal(values.get(`${key}_ours_finished`), '2', `${key}: ours finished its 2 trials: ${resultLine}`);
    assert.ok(Number(values.get(`${key}_ours_per_hour`)) > 0, `${key}_ours_per_hour in: ${resultLine}`);
    if (!peer) continue;
    assert.equal(values.get(`${key}_theirs_finished`), '2', `${key}: the peer finished its 2 trials: ${resultLine}`);
    assert.ok(Number(values.get(`${key}_ratio`)) > 0, `${key}_ratio in: ${resultLine}`);
  }
  if (peer) {
    assert.match(stdout, /^quickstart: Optuna [\d.]+, PyTorch [\d.]+/m, "the peer's versions");
    assert.equal(values.get('quickstart_same_configurations'), 'yes', `the peer replayed our configurations: ${resultLine}`);
  }
});

test("bench:sweep's peer runs the sweeps it trains as ours does, and names why it cannot run the others", async () => {
  const problem = async (file: string): Promise<string | undefined> => peerProblem((await loadSweepFile(file)).definition);
  for (const file of ['sweeps/quickstart.yaml', 'sweeps/report-000-learning-rates.yaml', 'sweeps/report-000-activations-initialisers.yaml'])
    assert.equal(await problem(file), undefined, file);
  for (const file of ['sweeps/report-004-batchnorm-cnn.yaml', 'sweeps/report-003-mi-schedules.yaml', 'sweeps/pbt.yaml'])
    assert.match((await problem(file)) ?? '', /^the peer /, file);
  assert.match((await problem('sweeps/tpe-pruned.yaml')) ?? '', /pruning/);
  assert.match((await problem('sweeps/synthetic.yaml')) ?? '', /built-in models/);
});
