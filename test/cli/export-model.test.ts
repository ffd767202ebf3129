import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import type { DatasetSpec } from '../../src/datasets/dataset-spec.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { runCli } from '../helpers/cli-process.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Issue 16, point 5: `sweeper export-model STUDY TRIAL -o DIR` writes the trial's best-epoch model
 * in TensorFlow.js's format (docs/cli.md, "sweeper export-model"); loaded with tf.loadLayersModel (no sweeper class registered), it
 * classifies the study's test split exactly as the stored test accuracy says. Dropout (sweeper's
 * own seeded layer in training) and batch norm are in the model.
 */
const SWEEP = `study: exported
seed: 5
dataset: { name: bundled-mnist, limit: 2500, validation: 300, test: 400 }
model: { depth: 2, width: 64, activation: relu, dropout: 0.2, batch_norm: true }
training: { epochs: 3, batch_size: 50, optimizer: adam }
space:
  learning_rate: { type: categorical, choices: [0.0003, 0.003] }
sampler: { type: grid }
checkpoint: { keep: 1 }
`;

function loadExported(dir: string): Promise<tf.LayersModel> {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const [group] = manifest.weightsManifest;
  assert.ok(group);
  const weights = readFileSync(join(dir, group.paths[0] as string));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: group.weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
    }),
  );
}

describe('sweeper export-model', () => {
  const dir = tempDir('sweeper-export-model-');
  writeFileSync(join(dir, 'exported.yaml'), SWEEP);

  test(
    'the best trial (checkpoint.keep: 1) as model.json + weights.bin: tf.loadLayersModel reproduces its test accuracy',
    { timeout: 5 * 60_000 },
    async () => {
      const run = await runCli(['run', 'exported.yaml', '--db', 'runs.db', '--threads', '2', '--no-progress'], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      const trials = readTrials(join(dir, 'runs.db'), 'exported');
      const [best, other] = [...trials].sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
      assert.ok(best && other && best.test_accuracy !== null);

      const exported = await runCli(['export-model', 'exported', String(best.number), '--db', 'runs.db', '-o', 'model'], { cwd: dir });
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(
        exported.stdout,
        new RegExp(
          `^wrote the model of trial ${best.number} of study exported \\(repeat 0, epoch [1-3]\\) to model: model\\.json, weights\\.bin, sweeper\\.json\\n$`,
        ),
      );
      const about = JSON.parse(readFileSync(join(dir, 'model', 'sweeper.json'), 'utf8')) as {
        dataset: DatasetSpec;
        epoch: number;
        test: { epoch: number; accuracy: number };
        params: Record<string, unknown>;
      };
      assert.equal(about.test.epoch, about.epoch, 'the model is that of the epoch the test evaluated');
      assert.deepEqual(about.params, { learning_rate: best.number === 0 ? 0.0003 : 0.003 });

      // Evaluated here as a user would: the test split, the model from the files, argmax of the logits.
      await initBackend('wasm');
      const model = await loadExported(join(dir, 'model'));
      const split = await new DatasetCache().load(about.dataset);
      const pixels = split.test.images.length / split.test.count;
      const predicted = tf.tidy(() => {
        const logits = model.predict(tf.tensor2d(split.test.images, [split.test.count, pixels])) as tf.Tensor;
        return logits.argMax(1).dataSync();
      });
      let correct = 0;
      predicted.forEach((label, i) => (correct += label === split.test.labels[i] ? 1 : 0));
      assert.equal(correct / split.test.count, best.test_accuracy);
      assert.equal(about.test.accuracy, best.test_accuracy);
      assert.ok(
        model.layers.some((layer) => layer.getClassName() === 'Dropout') &&
          model.layers.some((layer) => layer.getClassName() === 'BatchNormalization'),
      );
      model.dispose();

      // The other trial kept nothing: a clear error, exit code 2, nothing written.
      const missing = await runCli(['export-model', 'exported', String(other.number), '--db', 'runs.db', '-o', 'other'], { cwd: dir });
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(
        missing.stderr,
        new RegExp(`trial ${other.number} of study exported kept no model of repeat 0: .*checkpoint: \\{ keep: N \\}`),
      );
      assert.equal(existsSync(join(dir, 'other')), false);

      // An output that is a file, not a folder: said, exit code 2.
      writeFileSync(join(dir, 'a-file'), 'x');
      const onFile = await runCli(['export-model', 'exported', String(best.number), '--db', 'runs.db', '-o', 'a-file'], { cwd: dir });
      assert.equal(onFile.code, 2, onFile.stderr);
      assert.match(onFile.stderr, /-o a-file: cannot write the model there/);
    },
  );
});
