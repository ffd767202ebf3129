import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const QUICKSTART = fileURLToPath(new URL('../../../sweeps/quickstart.yaml', import.meta.url));

test('the README.md quick start: 20 trials on real digits reach at least 0.93 validation accuracy', async () => {
  const db = join(tempDir(), 'quickstart.db');
  const result = await runCli(['run', QUICKSTART, '--db', db, '--threads', '2', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const output = JSON.parse(result.stdout) as {
    study: { counts: Record<string, number> };
    best: { value: number; params: Record<string, unknown> }[];
  };
  assert.equal(output.study.counts.COMPLETE, 20);
  const best = output.best[0];
  assert.ok(best && best.value >= 0.93, `best validation accuracy ${best?.value}`);
});
