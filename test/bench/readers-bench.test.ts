import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../helpers/bench-run.js';
import { postgresSkip } from '../helpers/postgres-server.js';

/**
 * bench:readers with tiny settings (a study of 50 trials, one reader, half-second phases): it
 * writes alone, with the reader, and alone again on SQLite and on PostgreSQL, and prints every
 * phase and the ratios. No timing is checked: that is the benchmark's job, on a quiet machine.
 */
test('bench:readers times the writes alone and beside a reader, on both stores', { skip: postgresSkip(), timeout: 180_000 }, async () => {
  const { stdout, values, resultLine } = await runBench('readers', [
    '--trials',
    '50',
    '--epochs',
    '2',
    '--readers',
    '1',
    '--seconds',
    '0.5',
  ]);
  for (const store of ['SQLite', 'PostgreSQL']) {
    for (const phase of ['alone', '1 reader', 'alone again'])
      assert.match(stdout, new RegExp(`│ ${store} +│ ${phase} +│ \\d+ +│`), `${store}, ${phase}: a row with its writes`);
    assert.match(stdout, new RegExp(`^${store}: [1-9]\\d* reader rounds`, 'm'), `${store}: the reader read the study`);
  }
  for (const key of ['sqlite_rate_ratio', 'sqlite_p99_ratio', 'postgres_rate_ratio', 'postgres_p99_ratio'])
    assert.ok(Number(values.get(key)) > 0, `${key} is a positive number in: ${resultLine}`);
});
