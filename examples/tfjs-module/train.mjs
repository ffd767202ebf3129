// A user's own TensorFlow.js training as a sweeper trial (docs/own-code.md, "A JavaScript module").
// sweeper calls train(params, context) once per run, in a worker thread; this file is imported
// once per thread, so the data below is loaded once per thread, not once per trial.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

const PIXELS = 28 * 28;
/** Digits per class taken from the bundled `mnist` package: 600 examples, 500 to train on. */
const PER_CLASS = 60;
const TRAIN = 500;

// The pure-JavaScript backend: nothing to start, and fast enough for a model this small. The
// wasm backend (@tensorflow/tfjs-backend-wasm, as sweeper's own training uses) works here too.
await tf.setBackend('cpu');

const { images, labels } = loadDigits();

function loadDigits() {
  const require = createRequire(import.meta.url);
  const images = [];
  const labels = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8'));
    for (let i = 0; i < PER_CLASS; i++) {
      images.push(data.slice(i * PIXELS, (i + 1) * PIXELS));
      labels.push(digit);
    }
  }
  // Interleave the classes (a fixed order, the same in every thread) so both splits hold all ten.
  const order = images.map((_, i) => i).sort((a, b) => (a % PER_CLASS) - (b % PER_CLASS) || a - b);
  return { images: order.map((i) => images[i]), labels: order.map((i) => labels[i]) };
}

export async function train(params, context) {
  const { learning_rate = 0.01, units = 32, dropout = 0 } = params;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [PIXELS],
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: context.seed }),
      }),
      tf.layers.dropout({ rate: dropout }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: context.seed + 1 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learning_rate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const [xTrain, yTrain, xVal, yVal] = tf.tidy(() => {
    const x = tf.tensor2d(images);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
    return [x.slice(0, TRAIN), y.slice(0, TRAIN), x.slice(TRAIN), y.slice(TRAIN)];
  });
  try {
    for (let epoch = 1; epoch <= (context.epochs ?? 3); epoch++) {
      if (context.signal.aborted) return;
      await model.fit(xTrain, yTrain, {
        epochs: 1,
        batchSize: 32,
        shuffle: true,
        verbose: 0,
        // Stop within a batch when sweeper aborts the run (pruned, timed out, worker draining).
        callbacks: { onBatchEnd: () => void (model.stopTraining = context.signal.aborted) },
      });
      if (context.signal.aborted) return;
      const [loss, accuracy] = model.evaluate(xVal, yVal, { batchSize: 100 });
      const val_loss = (await loss.data())[0];
      const val_accuracy = (await accuracy.data())[0];
      tf.dispose([loss, accuracy]);
      if ((await context.report(epoch, { val_loss, val_accuracy })) === 'stop') return;
    }
  } finally {
    tf.dispose([xTrain, yTrain, xVal, yVal]);
    model.dispose();
  }
}
