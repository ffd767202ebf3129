import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeTinySweep } from '../helpers/tiny-sweep.js';
import { idxLabels, writeIdxDataset } from './dataset-fixtures.js';

describe('sweeper run with dataset files it cannot use', () => {
  test('a wrong dir: exit 2 before any trial, the path named, no store written', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const file = writeTinySweep(dir, { dataset: 'dataset: { name: fashion-mnist, dir: no-such-folder, validation: 10 }' });
    const result = await runCli(['run', file, '--db', db]);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.split('\n')[0], `error: ${join(dir, 'no-such-folder')}: cannot read dataset.dir: no such directory`);
    assert.equal(existsSync(db), false, 'no store file is created, so no study');
  });

  test('a broken file in an existing store: exit 2, the file named, no study added', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const ok = await runCli([
      'run',
      writeTinySweep(dir, { study: 'study: first', budget: 'budget:\n  trials: 1', training: 'training:\n  epochs: 1' }, 'first.yaml'),
      '--db',
      db,
      '--threads',
      '1',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    writeIdxDataset(join(dir, 'fm'), { train: 30, test: 5, gzip: true });
    writeFileSync(join(dir, 'fm', 't10k-labels-idx1-ubyte.gz'), idxLabels([1, 2]));
    const result = await runCli([
      'run',
      writeTinySweep(dir, { study: 'study: broken', dataset: 'dataset: { name: fashion-mnist, dir: fm, validation: 10 }' }),
      '--db',
      db,
    ]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /^error: .*\/fm\/t10k-labels-idx1-ubyte\.gz: has 2 labels, but .*\/fm\/t10k-images-idx3-ubyte\.gz has 5 images/,
    );
    const studies = JSON.parse((await runCli(['studies', '--db', db, '--json'])).stdout) as { studies: { name: string }[] };
    assert.deepEqual(
      studies.studies.map((s) => s.name),
      ['first'],
    );
  });
});
