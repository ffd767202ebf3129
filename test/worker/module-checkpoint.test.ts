import { sha256Hex } from '../../src/files/sha256.js';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EpochReport } from '../../src/core/run-report.js';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import { ModulePool } from '../../worker/module/module-pool.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Issue 16, point 4, for module: tasks: context.checkpointDir is the run's folder; what the module
 * saved there before each report is sent to the listener after that epoch; a later attempt gets
 * it back unpacked with context.resumeEpoch, and goes on where the first left off.
 */
const dir = tempDir('sweeper-module-checkpoint-');
const pool = new ModulePool({ threads: 1, logger: silentLogger(), resolveFrom: dir, logDir: join(dir, 'logs') });
after(() => pool.close());

const MODULE = join(dir, 'counter.mjs');
writeFileSync(
  MODULE,
  `import { readFileSync, renameSync, writeFileSync } from 'node:fs';
  import { join } from 'node:path';
  export async function train(params, context) {
    let first = 1;
    let sum = 0;
    if (context.resumeEpoch !== undefined) {
      const state = JSON.parse(readFileSync(join(context.checkpointDir, 'state.json'), 'utf8'));
      first = state.epoch + 1;
      sum = state.sum;
    }
    for (let epoch = first; epoch <= context.epochs; epoch++) {
      sum += epoch * params.x;
      writeFileSync(join(context.checkpointDir, 'state.tmp'), JSON.stringify({ epoch, sum }));
      renameSync(join(context.checkpointDir, 'state.tmp'), join(context.checkpointDir, 'state.json'));
      if ((await context.report(epoch, { val_loss: sum })) === 'stop') return;
    }
  }`,
);

function assignment(attempt: number, resume?: { epoch: number; data: Uint8Array }): RunAssignment {
  return {
    study: 'modules',
    trialNumber: 1,
    attempt,
    repeat: 0,
    seed: 1,
    params: { x: 3 },
    task: { type: 'module', module: MODULE, export: 'train', epochs: 5 },
    objective: { metric: 'val_loss', direction: 'minimize' },
    checkpoint: {
      every: 1,
      final: false,
      ...(resume && { resume: { epoch: resume.epoch, bytes: resume.data.length, sha256: sha256Hex(resume.data) } }),
    },
  };
}

describe('module checkpoints', () => {
  test('saved before each report, sent after it; a later attempt goes on from the one of epoch 2', async () => {
    const reports: EpochReport[] = [];
    const saved = new Map<number, Uint8Array>();
    const first = await pool.run(
      assignment(1),
      {
        onEpoch: (report) => (reports.push(report), report.epoch === 2 ? 'stop' : 'continue'),
        onCheckpoint: (epoch, data, sha256) => (assert.equal(sha256, sha256Hex(data)), saved.set(epoch, data), Promise.resolve()),
      },
      new AbortController().signal,
    );
    assert.equal(first.status, 'stopped');
    assert.deepEqual([...saved.keys()], [1, 2]);
    assert.equal(existsSync(join(dir, 'logs', 'modules', '1.0@1.checkpoint')), false, 'the folder is removed when the run ends');

    const resumed: EpochReport[] = [];
    const data = saved.get(2) as Uint8Array;
    const second = await pool.run(
      assignment(2, { epoch: 2, data }),
      {
        onEpoch: (report) => (resumed.push(report), 'continue'),
        onCheckpoint: () => Promise.resolve(),
        loadCheckpoint: () => Promise.resolve(data),
      },
      new AbortController().signal,
    );
    assert.equal(second.status, 'finished');
    assert.deepEqual(
      resumed.map((r) => [r.epoch, r.metrics.valLoss]),
      [
        [3, 18],
        [4, 30],
        [5, 45],
      ],
      'epochs 3 to 5 with the sum carried over from the checkpoint (3 + 6, then + 9, + 12, + 15)',
    );
  });

  test('a checkpoint that cannot be had: the run starts from epoch 1, and is not failed', async () => {
    const reports: EpochReport[] = [];
    const outcome = await pool.run(
      assignment(3, { epoch: 2, data: new Uint8Array([1, 2, 3]) }),
      {
        onEpoch: (report) => (reports.push(report), 'continue'),
        loadCheckpoint: () => Promise.reject(new Error('the coordinator is gone')),
      },
      new AbortController().signal,
    );
    assert.equal(outcome.status, 'finished');
    assert.deepEqual(
      reports.map((r) => r.epoch),
      [1, 2, 3, 4, 5],
    );
  });
});
