import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { loadSweepFile } from '../../src/config/load-sweep-file.js';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/tfjs-module/', import.meta.url));
const SWEEP = join(EXAMPLE_DIR, 'sweep.yaml');

describe('examples/tfjs-module', () => {
  test('sweep.yaml parses: TPE, a median pruner, 6 trials of train.mjs', async () => {
    const { definition } = await loadSweepFile(SWEEP);
    assert.deepEqual(definition.task, {
      type: 'module',
      module: join(EXAMPLE_DIR, 'train.mjs'),
      export: 'train',
      epochs: 3,
      timeoutSeconds: 600,
    });
    assert.equal(definition.sampler.type, 'tpe');
    assert.equal(definition.pruner?.type, 'median');
    assert.equal(definition.budget.trials, 6);
  });

  test('sweeper run trains the module in real threads, and sweeper best shows its trials', async () => {
    const dir = tempDir('sweeper-tfjs-module-');
    // A shorter copy: 3 trials of 2 epochs, the module by its absolute path (it imports
    // @tensorflow/tfjs from the repository's node_modules, so it stays where it is).
    const doc = parseDocument(readFileSync(SWEEP, 'utf8'));
    doc.setIn(['module', 'path'], join(EXAMPLE_DIR, 'train.mjs'));
    doc.setIn(['module', 'epochs'], 2);
    doc.setIn(['budget', 'trials'], 3);
    const sweep = join(dir, 'sweep.yaml');
    writeFileSync(sweep, doc.toString());
    const db = join(dir, 'sweeper.db');
    const run = await runCli(['run', sweep, '--db', db]);
    assert.equal(run.code, 0, run.stderr);
    const best = await runCli(['best', 'tfjs-module', '--db', db, '--json']);
    assert.equal(best.code, 0, best.stderr);
    const { study, trials } = JSON.parse(best.stdout) as {
      study: { counts: Record<string, number> };
      trials: { epochs: number; value: number }[];
    };
    assert.equal(study.counts.FAILED, 0);
    assert.equal((study.counts.COMPLETE ?? 0) + (study.counts.PRUNED ?? 0), 3);
    // Ten classes: chance is 0.1; a few hundred digits and two epochs do far better.
    assert.ok((trials[0]?.value ?? 0) > 0.3, best.stdout);
    for (const trial of trials) assert.ok(trial.epochs >= 1 && trial.epochs <= 2, best.stdout);
  });
});
