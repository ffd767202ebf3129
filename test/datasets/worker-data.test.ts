import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { DatasetSpec } from '../../src/datasets/dataset-spec.js';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING } from '../../src/training/settings.js';
import { LocalPool } from '../../worker/local-pool.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeIdxDataset } from './dataset-fixtures.js';

const pool = new LocalPool({ threads: 1, backend: 'wasm', logger: silentLogger() });
after(() => pool.close());

function assignment(dataset: DatasetSpec): RunAssignment {
  return {
    study: 'data-test',
    trialNumber: 0,
    attempt: 1,
    repeat: 0,
    seed: 1,
    params: {},
    task: { type: 'train', dataset, model: { ...DEFAULT_MODEL, depth: 1, width: 8 }, training: { ...DEFAULT_TRAINING, epochs: 1 } },
    objective: { metric: 'val_accuracy', direction: 'maximize' },
  };
}

const listener = { onEpoch: () => 'continue' as const };

describe('a worker on data read from files', () => {
  test('trains in its threads on the split it loaded', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, { train: 120, test: 20, gzip: true });
    const outcome = await pool.run(
      assignment({ name: 'fashion-mnist', dir, validation: 20, seed: 1 }),
      listener,
      new AbortController().signal,
    );
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
  });

  test('a file it cannot load fails the trial with the file and what was wrong', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, { train: 20, test: 5 });
    const path = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(path, readFileSync(path).subarray(0, 500));
    const outcome = await pool.run(assignment({ name: 'mnist', dir, validation: 5, seed: 1 }), listener, new AbortController().signal);
    assert.deepEqual(outcome, {
      status: 'error',
      message: `${path}: truncated: the header declares 20 images of 28x28 (15696 bytes in all), but the file has 500`,
    });
  });
});
