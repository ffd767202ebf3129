import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../helpers/bench-run.js';

/**
 * bench:tpe-speed with small histories and ours only: it names the machine, times a fixed
 * history and a growing one (as a study asks) at each size, and puts both in the result line;
 * then runs a study long enough for the kept densities (600 trials) both ways and counts the
 * suggestions that differ. No timing is checked: that is the benchmark's job, on a quiet machine.
 */
test(
  'bench:tpe-speed names the machine, times fixed and growing histories, and compares a study both ways',
  { timeout: 180_000 },
  async () => {
    const { stdout, values, resultLine } = await runBench('tpe-speed', ['--no-optuna', '--trials', '50,300', '--study', '600']);
    assert.match(stdout, /^machine: .+ \(.+\), \d+ cores, Node v\d+.* \(V8 .+\); load average/m, 'the machine line');
    for (const trials of [50, 300]) {
      assert.match(stdout, new RegExp(`│ ${trials} +│ \\d+ +│ [\\d.]+ +│ [\\d.]+ +│ [\\d.]+ +│`), `a row for ${trials} trials`);
      for (const key of [`ours_ms_${trials}`, `ours_growing_ms_${trials}`])
        assert.ok(Number(values.get(key)) > 0, `${key} is a positive number in: ${resultLine}`);
    }
    assert.equal(values.get('optuna'), 'skipped');
    assert.match(stdout, /^after a change mid-history at 300 trials \(an old trial becomes the best\): [\d.]+ ms, against [\d.]+ ms/m);
    for (const key of ['mid_history_ms_300', 'around_ms_300']) assert.ok(Number(values.get(key)) > 0, `${key} in: ${resultLine}`);
    assert.match(stdout, /^study of 600 trials \(4 in flight\): \d+ suggestions differ between the kept densities and the exact path; /m);
    // The kept densities agree with the exact ones to 1e-10: a differing suggestion would need a near-tie.
    assert.equal(values.get('study_differing'), '0', resultLine);
    for (const key of ['study_kept_s', 'study_exact_s']) assert.ok(Number(values.get(key)) > 0, `${key} in: ${resultLine}`);
  },
);
