import { parseSweep } from '../../src/config/load-sweep-file.js';
import type { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';

/** A 10-class confusion matrix of 100 test images a class; class 6 (Shirt) is taken for 0 (T-shirt/top) 30 times. */
export const FASHION_CONFUSION = Array.from({ length: 10 }, (_, actual) =>
  Array.from({ length: 10 }, (_, predicted) => {
    if (actual === 6) return predicted === 6 ? 70 : predicted === 0 ? 30 : 0;
    return actual === predicted ? 100 : 0;
  }),
);

/**
 * A study that trains on Fashion-MNIST (its definition parsed from a sweep file, as `sweeper run`
 * makes it) with one COMPLETE trial whose repeat has a test evaluation: written through the store's
 * API, without training, so that tests of what shows class names run in milliseconds.
 */
export async function writeFashionStudy(store: SqliteTrialStore, name = 'fashion'): Promise<void> {
  const { definition } = parseSweep(
    `study: ${name}
dataset: { name: fashion-mnist, dir: /usr/share/datasets/fashion-mnist, validation: 100 }
training: { epochs: 1 }
space:
  learning_rate: { type: float, low: 0.001, high: 0.1, log: true }
budget: { trials: 1 }
`,
    'fashion.yaml',
  );
  const study = await store.createStudy(definition);
  const trial = await store.createTrial(study.id, { learning_rate: 0.01 }, { worker: 'host:1' });
  await store.recordEpoch(trial.id, 1, 0, 1, { valAccuracy: 0.95, trainLoss: 0.2 });
  await store.recordRepeat(trial.id, 1, {
    repeat: 0,
    seed: 1,
    value: 0.95,
    epochs: 1,
    bestEpoch: 1,
    trainSeconds: 1,
    test: { epoch: 1, loss: 0.2, accuracy: 0.97, confusion: FASHION_CONFUSION },
  });
  await store.finishTrial(trial.id, 1, {
    state: 'COMPLETE',
    result: { value: 0.95, repeats: 1, epochs: 1, bestEpoch: 1, trainSeconds: 1, testAccuracy: 0.97 },
  });
}
