import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

/** The tiny sweep with its training sections replaced by `section`. */
const own = (section: string): Record<string, string> => ({ dataset: '', model: '', training: '', task: section });

describe('resources: { gpus: N } in a command: section', () => {
  test('kept as the task’s gpus; 0 is the same as none', () => {
    const task = (section: string): unknown => parseSweep(tinySweepYaml(own(section)), 'ok.yaml', { baseDir: '/p' }).definition.task;
    assert.deepEqual(task('command:\n  argv: [./train.sh]\n  resources: { gpus: 2 }'), {
      type: 'command',
      argv: ['./train.sh'],
      cwd: '/p',
      graceSeconds: 10,
      gpus: 2,
    });
    assert.equal((task('command:\n  argv: [./train.sh]\n  resources: { gpus: 0 }') as { gpus?: number }).gpus, undefined);
    assert.equal((task('command:\n  argv: [./train.sh]\n  resources: {}') as { gpus?: number }).gpus, undefined);
  });

  test('refuses counts that are not whole numbers from 0 to 64, and other resources', () => {
    assert.match(
      sweepErrorFor(own('command:\n  argv: [x]\n  resources: { gpus: 65 }')),
      /command\.resources\.gpus: must be <= 64, but got 65/,
    );
    assert.match(sweepErrorFor(own('command:\n  argv: [x]\n  resources: { gpus: -1 }')), /command\.resources\.gpus: must be >= 0/);
    assert.match(sweepErrorFor(own('command:\n  argv: [x]\n  resources: { gpus: 1.5 }')), /command\.resources\.gpus: .*integer/);
    assert.match(sweepErrorFor(own('command:\n  argv: [x]\n  resources: { cpus: 2 }')), /command\.resources.*cpus/);
  });

  test('a module: section has no resources (its threads share the worker’s devices)', () => {
    assert.match(sweepErrorFor(own('module:\n  path: ./train.mjs\n  resources: { gpus: 1 }')), /module.*resources/);
  });
});
