import type { StudyDefinition } from '../../src/store/study-definition.js';

export function studyDefinition(name: string, overrides: Partial<StudyDefinition> = {}): StudyDefinition {
  return {
    name,
    space: { lr: { type: 'float', low: 1e-4, high: 1, log: true }, depth: { type: 'int', low: 1, high: 4, log: false, step: 1 } },
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    sampler: { type: 'random', seed: 1 },
    budget: { trials: 10 },
    repeats: 1,
    seed: 1,
    ...overrides,
  };
}

export function result(value: number): { value: number; repeats: number; epochs: number; bestEpoch: number; trainSeconds: number } {
  return { value, repeats: 1, epochs: 3, bestEpoch: 2, trainSeconds: 1.5 };
}
