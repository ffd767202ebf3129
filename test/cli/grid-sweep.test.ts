import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeTinySweep } from '../helpers/tiny-sweep.js';

const GRID = {
  training: 'training:\n  epochs: 1\n  batch_size: 50\n  optimizer: adam\n  learning_rate: 0.01',
  space: [
    'space:',
    '  learning_rate: { type: categorical, choices: [0.003, 0.03] }',
    '  width: { type: int, low: 8, high: 16, step: 8 }',
  ].join('\n'),
  sampler: 'sampler:\n  type: grid',
  budget: '',
};

describe('sweeper run with the grid sampler', () => {
  test('runs every point of the grid once, and a resume finds nothing left to run', async () => {
    const dir = tempDir();
    const db = join(dir, 'grid.db');
    const file = writeTinySweep(dir, GRID);
    const run = await runCli(['run', file, '--db', db, '--threads', '2', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const output = JSON.parse(run.stdout) as { study: { counts: Record<string, number>; budget: number }; interrupted: boolean };
    assert.equal(output.interrupted, false);
    assert.equal(output.study.counts.COMPLETE, 4, 'the budget defaults to the 2 x 2 grid');
    const listed = await runCli(['trials', 'tiny', '--db', db, '--json']);
    const { trials } = JSON.parse(listed.stdout) as { trials: { params: Record<string, number> }[] };
    const points = trials.map((t) => JSON.stringify([t.params.learning_rate, t.params.width]));
    assert.deepEqual([...points].sort(), ['[0.003,16]', '[0.003,8]', '[0.03,16]', '[0.03,8]']);

    const resumed = await runCli(['resume', 'tiny', '--db', db, '--threads', '2', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readTrials(db, 'tiny').length, 4, 'nothing ran twice');
  });
});
