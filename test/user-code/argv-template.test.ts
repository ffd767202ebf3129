import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argvProblems, expandArgv, templateUses } from '../../src/user-code/argv-template.js';
import type { SearchSpaceDefinition } from '../../src/space/param-spec.js';

const SPACE: SearchSpaceDefinition = {
  learning_rate: { type: 'float', low: 1e-4, high: 0.1, log: true },
  optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
  beta1: { type: 'float', low: 0.8, high: 0.99, log: false, when: { optimizer: ['adam'] } },
  depth: { type: 'int', low: 1, high: 4, log: false, step: 1 },
  batch_norm: { type: 'categorical', choices: [true, false] },
};

describe('argv templates', () => {
  test('fill ${name} with the value as JSON writes it, and leave other text alone', () => {
    const argv = ['python3', 'train.py', '--lr', '${learning_rate}', '--depth=${depth}', '--bn', '${batch_norm}', '--opt', '${optimizer}'];
    assert.deepEqual(expandArgv(argv, { learning_rate: 0.001, depth: 3, batch_norm: false, optimizer: 'adam' }), [
      'python3',
      'train.py',
      '--lr',
      '0.001',
      '--depth=3',
      '--bn',
      'false',
      '--opt',
      'adam',
    ]);
    assert.deepEqual(expandArgv(['${learning_rate}'], { learning_rate: 1e-7 }), ['1e-7'], 'shortest round-trip form');
  });

  test('${name?} of an absent parameter drops the argument and the bare flag before it', () => {
    const argv = ['train.py', '--beta1', '${beta1?}', '--optimizer', '${optimizer}'];
    assert.deepEqual(expandArgv(argv, { optimizer: 'sgd' }), ['train.py', '--optimizer', 'sgd']);
    assert.deepEqual(expandArgv(argv, { optimizer: 'adam', beta1: 0.9 }), ['train.py', '--beta1', '0.9', '--optimizer', 'adam']);
    assert.deepEqual(expandArgv(['train.py', '--beta1=${beta1?}', '-v'], { optimizer: 'sgd' }), ['train.py', '-v'], 'one-argument form');
    // A value argument before the dropped one is not a flag: it stays.
    assert.deepEqual(expandArgv(['--lr', '${learning_rate}', '${beta1?}'], { learning_rate: 0.1 }), ['--lr', '0.1']);
    assert.deepEqual(expandArgv(['positional', '${beta1?}'], {}), ['positional'], 'a literal that is not a flag stays');
  });

  test('$${ is a literal ${', () => {
    assert.deepEqual(expandArgv(['echo', '$${HOME}', 'cost=$${depth}/${depth}'], { depth: 2 }), ['echo', '${HOME}', 'cost=${depth}/2']);
    assert.deepEqual(templateUses('$${x}'), []);
  });

  test('a required value the trial lacks fails the run with the argument and the name', () => {
    assert.throws(
      () => expandArgv(['--beta1', '${beta1}'], { optimizer: 'sgd' }),
      /argument "\$\{beta1\}" needs parameter "beta1", which this trial does not have/,
    );
  });

  test('problems name the argument: unknown parameters, conditional ones without ?, malformed templates', () => {
    assert.deepEqual(argvProblems(['train.py', '${lr}', '${beta1}', '${beta1?}', '${optimizer?}', '${1x}', '${depth'], SPACE), [
      {
        index: 1,
        message: 'names "lr", which is not a parameter of the space (expected one of: learning_rate, optimizer, beta1, depth, batch_norm)',
      },
      {
        index: 2,
        message:
          'names "beta1", which only some trials have (it has a "when"): write ${beta1?} to drop the argument, and its flag, for trials without it',
      },
      { index: 5, message: '"${1x}" is not a template: expected ${name} or ${name?} with a parameter name' },
      { index: 6, message: 'has "${" without a closing "}" (write $${ for a literal ${)' },
    ]);
  });
});
