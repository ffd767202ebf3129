import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../helpers/bench-run.js';

/**
 * bench:scale with tiny settings (3 simulated workers of 2 slots, 2 per process, epochs of
 * 0.2 s): a real coordinator, real WorkerAgents over gRPC, every trial finished and the result
 * line's figures numbers. No timing is checked: that is the benchmark's job.
 */
test('bench:scale runs a study on simulated workers and prints its result line', { timeout: 180_000 }, async () => {
  const { stdout, values, resultLine } = await runBench('scale', [
    '--workers',
    '3',
    '--slots',
    '2',
    '--per-process',
    '2',
    '--epochs',
    '3',
    '--epoch-seconds',
    '0.2',
  ]);
  assert.match(stdout, /^machine: .+, \d+ cores, Node v\d+/m);
  assert.match(stdout, /│ 3 +│ 6 +│/, 'a row for 3 workers with 6 trials at once');
  for (const key of ['overhead_pct_3', 'cpu_ms_per_trial_3', 'cpu_ms_per_report_3', 'kb_per_worker_3'])
    assert.ok(Number.isFinite(Number(values.get(key))), `${key} is a number in: ${resultLine}`);
});
