import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { pageBlocks } from '../helpers/markdown.js';

/**
 * The YAML of docs/sweep-files.md, read by the sweep file parser: the listing of every field, and
 * the fragments (a dataset read from files, your own program, the synthetic task) inside the smallest file around
 * them. The files of sweeps/ are run by readme-sweep-files.test.ts.
 */
const blocks = pageBlocks('docs/sweep-files.md').filter((b) => b.lang === 'yaml');

/** The problems parseSweep finds in `text`, as `field: message`; none for a good file. */
function problems(text: string): string[] {
  try {
    parseSweep(text, 'example.yaml', { baseDir: '/home/me/sweeps' });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.field}: ${p.message}`);
  }
}

describe('docs/sweep-files.md: its YAML', () => {
  test('the page has the listing of every field and four fragments', () => {
    assert.deepEqual(
      blocks.map((b) => b.text.split('\n')[0]),
      [
        'study: quickstart            # name of the study in the store: letters, digits, _ . -',
        'dataset:',
        'command:',
        'synthetic:',
        'scheduler:',
      ],
    );
  });

  test('the listing of every field is refused only for the settings its ReLU MLPs cannot use, as the page says', () => {
    const listing = blocks[0]?.text ?? assert.fail('no listing');
    assert.deepEqual(problems(listing), [
      'model.leaky_alpha: is never used: activation is relu, not leaky_relu',
      'model.elu_alpha: is never used: activation is relu, not elu',
      ...['conv_layers', 'channels', 'kernel', 'padding', 'pool'].map(
        (name) => `model.${name}: is never used: it applies to CNNs, but architecture is mlp, not cnn`,
      ),
    ]);
    // Without them, it is a good file.
    const usable = listing
      .split('\n')
      .filter((line) => !/^ {2}(leaky_alpha|elu_alpha|conv_layers|channels|kernel|padding|pool):/.test(line))
      .join('\n');
    assert.deepEqual(problems(usable), []);
  });

  test('the dataset fragment, in a file with a study, a space, training and a budget', () => {
    const fragment = blocks[1]?.text ?? assert.fail('no dataset fragment');
    const file = `study: files\nspace:\n  learning_rate: { type: float, low: 1.0e-4, high: 0.3, log: true }\ntraining:\n  epochs: 1\nbudget:\n  trials: 2\n${fragment}\n`;
    assert.deepEqual(problems(file), []);
  });

  test('the command fragment, in a file with a study, the parameters its templates name and a budget', () => {
    const fragment = blocks[2]?.text ?? assert.fail('no command fragment');
    const space = [
      'space:',
      '  learning_rate: { type: float, low: 1.0e-4, high: 0.3, log: true }',
      '  optimizer: { type: categorical, choices: [sgd, adam] }',
      '  beta1: { type: float, low: 0.8, high: 0.99, when: { optimizer: adam } }',
    ].join('\n');
    assert.deepEqual(problems(`study: own\n${space}\nbudget:\n  trials: 2\n${fragment}\n`), []);
  });

  test('the synthetic fragment, in a file with a study, the parameters its optimum names and a budget', () => {
    const fragment = blocks[3]?.text ?? assert.fail('no synthetic fragment');
    const file = `study: synthetic\nspace:\n  learning_rate: { type: float, low: 1.0e-4, high: 0.3, log: true }\n  optimizer: { type: categorical, choices: [sgd, adam] }\nbudget:\n  trials: 2\n${fragment}\n`;
    assert.deepEqual(problems(file), []);
  });

  test('the PBT fragment, in a file with a study, built-in training and a space of what PBT explores', () => {
    const fragment = blocks[4]?.text ?? assert.fail('no scheduler fragment');
    const file = `study: pbt\ndataset:\n  name: bundled-mnist\n  validation: 100\ntraining:\n  epochs: 4\n  optimizer: sgd\nspace:\n  learning_rate: { type: float, low: 1.0e-4, high: 0.3, log: true }\n${fragment}\n`;
    assert.deepEqual(problems(file), []);
    assert.notDeepEqual(problems(file.replace('epochs: 4', 'epochs: 2')), [], 'an interval as long as training is caught');
  });

  test('a mistake in a fragment is caught', () => {
    const fragment = (blocks[3]?.text ?? '').replace('epochs: 5', 'epochs: 0');
    const file = `study: synthetic\nspace:\n  learning_rate: { type: float, low: 1.0e-4, high: 0.3, log: true }\n  optimizer: { type: categorical, choices: [sgd, adam] }\nbudget:\n  trials: 2\n${fragment}\n`;
    assert.notDeepEqual(problems(file), []);
  });
});
