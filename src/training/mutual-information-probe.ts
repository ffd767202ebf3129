import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random/derive-seed.js';
import { chooseSubset, labelInformation } from './mutual-information/label-information.js';
import { takeBatch } from './train-epoch.js';
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
 * Reference report 003's measurements on a fixed subset of the training data: I(X;Y) between the
 * inputs and the labels, once, and I(H;Y) between the model's output layer (softmax) and the
 * labels after each epoch. The same rows every epoch, so that the changes the policies react
 * to are the model's, not the sampling's.
 */
export class MutualInformationProbe {
  private readonly rows: Uint32Array;
  private readonly labels: Int32Array;
  /** The subset's inputs, made once from host memory: every epoch measures the same rows. */
  private readonly inputs: tf.Tensor2D;
  private readonly ksg: { readonly k: number; readonly seed: number };

  constructor(
    train: TensorPart,
    private readonly classes: number,
    private readonly options: { readonly samples: number; readonly neighbours: number; readonly seed: number; readonly dataKey: string },
  ) {
    const subsetSeed = deriveSeed(options.seed, SUBSET_STREAM);
    this.rows = chooseSubset(train.count, options.samples, subsetSeed);
    const subset = takeBatch(train, this.rows, 0, this.rows.length);
    tf.dispose([subset.y, subset.labels]);
    this.inputs = subset.x;
    this.labels = Int32Array.from(this.rows, (row) => train.host.labels[row] as number);
    this.ksg = { k: options.neighbours, seed: subsetSeed };
  }

  /** I(X;Y) in nats of the subset's inputs (flattened) and labels. */
  inputInformation(): number {
    const key = JSON.stringify([this.options.dataKey, this.options.samples, this.options.neighbours, this.ksg.seed]);
    const cached = ixyCache.get(key);
    if (cached !== undefined) return cached;
    const [rows, cols] = this.inputs.shape;
    const ixy = labelInformation({ data: this.inputs.dataSync() as Float32Array, rows, cols }, this.labels, this.classes, this.ksg);
    if (ixyCache.size >= IXY_CACHE_SIZE) ixyCache.delete(ixyCache.keys().next().value as string);
    ixyCache.set(key, ixy);
    return ixy;
  }

  /** I(H;Y) in nats of the model's softmax outputs (inference mode) on the subset, and the labels. */
  outputInformation(model: tf.LayersModel): number {
    // Softmax, not logits: bounded outputs keep the label encoding's distances meaningful.
    const outputs = tf.tidy(() => tf.softmax(model.apply(this.inputs, { training: false }) as tf.Tensor2D).dataSync() as Float32Array);
    return labelInformation({ data: outputs, rows: this.rows.length, cols: this.classes }, this.labels, this.classes, this.ksg);
  }

  dispose(): void {
    this.inputs.dispose();
  }
}
