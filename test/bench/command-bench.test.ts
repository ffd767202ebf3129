import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../helpers/bench-run.js';

/**
 * bench:command with tiny settings (8 trials of each kind on 2 workers × 2 threads, no Optuna):
 * both parts run through a real coordinator and workers, every trial of the program completes
 * (the benchmark fails otherwise), and it ends with its result line. No timing is checked: that
 * is the benchmark's job, on a machine nothing else loads.
 */
test('bench:command runs both parts with tiny settings and prints its result line', { timeout: 120_000 }, async () => {
  const {
    stdout,
    values,
    resultLine: last,
  } = await runBench('command', [
    '--per-run-trials',
    '8',
    '--trials',
    '8',
    '--slots',
    '4',
    '--workers',
    '2',
    '--no-optuna',
    '--log-level',
    'warn',
  ]);
  for (const key of [
    'per_run_trials',
    'ours_synthetic_ms_per_run',
    'ours_command_ms_per_run',
    'ours_process_ms_per_run',
    'ideal_s',
    'ours_command_overhead_pct',
    'program_alone_s',
    'ours_command_over_alone_pct',
  ])
    assert.ok(Number.isFinite(Number(values.get(key))), `${key} is a number in: ${last}`);
  assert.equal(values.get('per_run_trials'), '8');
  assert.equal(values.get('trials'), '8');
  assert.equal(values.get('ideal_s'), '2', 'ceil(8 / 4) × 1 s');
  assert.equal(values.get('optuna'), 'skipped');
  assert.match(values.get('target') ?? '', /^(met|missed)$/);
  assert.match(stdout, /the program alone \(4 at once from one process, 5 runs each, no sweeper\): [\d.]+ s a run/);
  assert.match(stdout, /target: our 1-second programs under 2 % over the ideal with the program's own time: (met|NOT met)/);
});
