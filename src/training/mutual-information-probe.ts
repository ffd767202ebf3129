import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random/derive-seed.js';
import { chooseSubset, labelInformation } from './mutual-information/label-information.js';
import type { TensorPart } from './training-data.js';

/** Separates the subset's seed from the other streams derived from the run's seed ("MI"). */
const SUBSET_STREAM = 0x4d49;

/**
 * IXY depends only on the data, the subset and k, and a study's repeats use the same seeds for
 * every configuration: so a thread computes it once per (split, subset, k) and reuses it across
 * trials (with 784 inputs it costs about a third of a second). Few entries: one study at a time.
 */
const ixyCache = new Map<string, number>();
const IXY_CACHE_SIZE = 16;

/**
 * Seed report 003's measurements on a fixed subset of the training data: I(X;Y) between the
 * inputs and the labels, once, and I(H;Y) between the model's output layer (softmax) and the
 * labels after each epoch. The same rows every epoch, so that the changes the policies react
 * to are the model's, not the sampling's.
 */
export class MutualInformationProbe {
  private readonly rows: Uint32Array;
  private readonly labels: Int32Array;
  private readonly ksg: { readonly k: number; readonly seed: number };

  constructor(
    private readonly train: TensorPart,
    private readonly classes: number,
    private readonly options: { readonly samples: number; readonly neighbours: number; readonly seed: number; readonly dataKey: string },
  ) {
    const subsetSeed = deriveSeed(options.seed, SUBSET_STREAM);
    this.rows = chooseSubset(train.count, options.samples, subsetSeed);
    const allLabels = train.labels.dataSync() as Int32Array;
    this.labels = Int32Array.from(this.rows, (row) => allLabels[row] as number);
    this.ksg = { k: options.neighbours, seed: subsetSeed };
  }

  /** I(X;Y) in nats of the subset's inputs (flattened) and labels. */
  inputInformation(): number {
    const key = JSON.stringify([this.options.dataKey, this.options.samples, this.options.neighbours, this.ksg.seed]);
    const cached = ixyCache.get(key);
    if (cached !== undefined) return cached;
    const inputs = tf.tidy(() => {
      const x = tf.gather(this.train.x, tf.tensor1d(Int32Array.from(this.rows), 'int32'));
      return x.reshape([this.rows.length, -1]).dataSync() as Float32Array;
    });
    const ixy = labelInformation({ data: inputs, rows: this.rows.length, cols: inputs.length / this.rows.length }, this.labels, this.classes, this.ksg);
    if (ixyCache.size >= IXY_CACHE_SIZE) ixyCache.delete(ixyCache.keys().next().value as string);
    ixyCache.set(key, ixy);
    return ixy;
  }

  /** I(H;Y) in nats of the model's softmax outputs (inference mode) on the subset, and the labels. */
  outputInformation(model: tf.LayersModel): number {
    const outputs = tf.tidy(() => {
      const x = tf.gather(this.train.x, tf.tensor1d(Int32Array.from(this.rows), 'int32'));
      // Softmax, not logits: bounded outputs keep the label encoding's distances meaningful.
      return tf.softmax(model.apply(x, { training: false }) as tf.Tensor2D).dataSync() as Float32Array;
    });
    return labelInformation({ data: outputs, rows: this.rows.length, cols: this.classes }, this.labels, this.classes, this.ksg);
  }
}
