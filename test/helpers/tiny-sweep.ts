import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A sweep small enough for tests: 1,200 real digits, small MLPs, one or two epochs.
 * `overrides` replaces whole top-level sections of the YAML.
 */
export function tinySweepYaml(overrides: Record<string, string> = {}): string {
  const sections: Record<string, string> = {
    study: 'study: tiny',
    seed: 'seed: 7',
    dataset: 'dataset:\n  name: bundled-mnist\n  limit: 1200\n  validation: 200\n  test: 0',
    model: 'model:\n  depth: 1\n  width: 16\n  activation: relu',
    training: 'training:\n  epochs: 2\n  batch_size: 50\n  optimizer: adam\n  learning_rate: 0.01',
    space: [
      'space:',
      '  optimizer: { type: categorical, choices: [sgd, adam] }',
      '  learning_rate: { type: float, low: 0.001, high: 0.1, log: true }',
      '  momentum: { type: float, low: 0.0, high: 0.9, when: { optimizer: sgd } }',
      '  width: { type: int, low: 8, high: 32, step: 8 }',
    ].join('\n'),
    budget: 'budget:\n  trials: 4',
    ...overrides,
  };
  return `${Object.values(sections)
    .filter((s) => s !== '')
    .join('\n')}\n`;
}

export function writeTinySweep(dir: string, overrides: Record<string, string> = {}, name = 'tiny.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, tinySweepYaml(overrides));
  return path;
}
