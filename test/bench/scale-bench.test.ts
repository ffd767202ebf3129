import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../helpers/bench-run.js';
import { postgresSkip } from '../helpers/postgres-server.js';

/**
 * bench:scale with tiny settings (3 simulated workers of 2 slots, 2 per process, epochs of
 * 0.2 s, two waves of trials in one study): a real coordinator, real WorkerAgents over gRPC, every
 * trial finished and the result line's figures numbers, on SQLite and on PostgreSQL (where the machine has its server). No
 * timing is checked: that is the benchmark's job.
 */
test('bench:scale runs a study on simulated workers and prints its result line', { timeout: 180_000 }, async () => {
  const stores = postgresSkip() === false ? ['sqlite', 'postgres'] : ['sqlite'];
  const { stdout, values, resultLine } = await runBench('scale', [
    '--stores',
    stores.join(','),
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
    '--waves',
    '2',
  ]);
  assert.match(stdout, /^machine: .+, \d+ cores, Node v\d+/m);
  for (const store of stores) {
    assert.match(stdout, new RegExp(`│ ${store} +│ 3 +│ 6 +│`), `a row for 3 workers with 6 trials at once on ${store}`);
    for (const key of [
      'overhead_pct_3',
      'cpu_ms_per_trial_3',
      'cpu_ms_per_report_3',
      'workers_cpu_ms_per_report_3',
      'cores_busy_3',
      'kb_per_worker_3',
    ])
      assert.ok(Number.isFinite(Number(values.get(`${store}_${key}`))), `${store}_${key} is a number in: ${resultLine}`);
    // Two waves of 6 trials in one study: the CPU per trial of each, which shows whether a trial costs more as the study grows.
    for (const wave of [1, 2]) {
      const ms = Number(values.get(`${store}_cpu_ms_per_trial_3_wave_${wave}`));
      assert.ok(Number.isFinite(ms) && ms >= 0, `${store}_cpu_ms_per_trial_3_wave_${wave} is a CPU time in: ${resultLine}`);
    }
    // A row of five cells, store and workers first: the waves' table (the main one has sixteen).
    assert.match(stdout, new RegExp(`^│ ${store} +│ 3 +│ [\\d.]+ +│ [\\d.]+ +│ [\\d.]+ +│$`, 'm'), `a row of the waves' table on ${store}`);
  }
  assert.match(stdout, /│ wave 1 ms\/trial │ wave 2 ms\/trial │ last \/ first │/);
  assert.equal(values.get('waves'), '2');
});
