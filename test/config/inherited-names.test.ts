import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { studyDefinitionFromOptions } from '../../src/study/study-options.js';
import { runCli } from '../helpers/cli-process.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tempDir } from '../helpers/temp-dir.js';

const SYNTHETIC = 'synthetic:\n  epochs: 1\n  epoch_seconds: 0';
const synthetic = (space: string, extra: Record<string, string> = {}): Record<string, string> => ({
  dataset: '',
  model: '',
  training: '',
  synthetic: SYNTHETIC,
  space,
  ...extra,
});

// A parameter named __proto__ used to vanish from the space (zod's copy sets the prototype
// instead), and `constructor` was read from Object.prototype where no such parameter existed.
describe('names every JavaScript object already has', () => {
  test('a parameter named __proto__ is refused, not dropped from the space', () => {
    const message = sweepErrorFor(
      synthetic('space:\n  x: { type: float, low: 0, high: 1 }\n  __proto__: { type: float, low: 0, high: 1 }'),
    );
    assert.match(message, /^bad\.yaml:\d+:3: space\.__proto__: cannot be used as a name: every JavaScript object already has "__proto__"/);
  });

  test('constructor, toString and the other Object.prototype names are refused as parameters', () => {
    const message = sweepErrorFor(
      synthetic('space:\n  constructor: { type: float, low: 0, high: 1 }\n  toString: { type: int, low: 0, high: 3 }'),
    );
    assert.match(message, /space\.constructor: cannot be used as a name/);
    assert.match(message, /space\.toString: cannot be used as a name/);
  });

  test('a condition on __proto__ is refused, not read as no condition', () => {
    const message = sweepErrorFor(
      synthetic('space:\n  a: { type: categorical, choices: [p, q] }\n  x: { type: float, low: 0, high: 1, when: { __proto__: p } }'),
    );
    assert.match(message, /space\.x\.when\.__proto__: cannot be used as a name/);
  });

  test('anywhere else in the file too (here the synthetic optimum)', () => {
    const message = sweepErrorFor(
      synthetic('space:\n  x: { type: float, low: 0, high: 1 }', { synthetic: `${SYNTHETIC}\n  optimum: { __proto__: 1 }` }),
    );
    assert.match(message, /synthetic\.optimum\.__proto__: cannot be used as a name/);
  });

  test('study options from code are checked the same way', () => {
    const options = {
      name: 's',
      direction: 'minimize',
      space: { x: { type: 'float', low: 0, high: 1 }, ['__proto__']: { type: 'float', low: 0, high: 1 } },
    };
    assert.throws(() => studyDefinitionFromOptions(options), /space\.__proto__: cannot be used as a name/);
  });

  test('sweeper run refuses such a file with exit code 2, before creating the study', async () => {
    const dir = tempDir();
    const file = join(dir, 'proto.yaml');
    writeFileSync(
      file,
      [
        'study: proto',
        SYNTHETIC,
        'space:',
        '  __proto__: { type: float, low: 0, high: 1 }',
        '  x: { type: float, low: 0, high: 1 }',
        'budget: { trials: 2 }',
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', file, '--db', join(dir, 'proto.db'), '--no-progress']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^error: .*proto\.yaml:6:3: space\.__proto__: cannot be used as a name/);
  });
});
