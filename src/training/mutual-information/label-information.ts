import { Rng } from '../../random/rng.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { ksgMutualInformation, type KsgOptions } from './ksg-estimator.js';
import { encodeLabels, type LabelEncoding } from './label-encoding.js';
import type { SampleMatrix } from './sample-matrix.js';

export interface LabelInformationOptions extends KsgOptions {
  readonly encoding?: LabelEncoding;
}

/**
 * I(features; labels) in nats, by KSG with the labels encoded as `encoding` (one-hot by default).
 * Reference report 003's IXY (features = the input images) and IHYLL (features = the last layer's
 * activations for the same samples) are both this.
 */
export function labelInformation(
  features: SampleMatrix,
  labels: ArrayLike<number>,
  classes: number,
  options: LabelInformationOptions = {},
): number {
  if (labels.length !== features.rows) {
    throw new InvalidArgumentError(`labels must have one entry per row of features (${features.rows}), but got ${labels.length}`);
  }
  return ksgMutualInformation(features, encodeLabels(labels, classes, options.encoding), options);
}

/**
 * The rows MI is measured on: `samples` distinct indices of [0, total), ascending, seeded. The
 * policies compare estimates between epochs, so the same subset must be used every epoch:
 * choose it once per run; a fresh subset each epoch would add sampling noise to every change.
 */
export function chooseSubset(total: number, samples: number, seed: number): Uint32Array {
  if (!Number.isInteger(total) || total < 1) throw new InvalidArgumentError(`total must be a positive integer, but got ${total}`);
  if (!Number.isInteger(samples) || samples < 1) throw new InvalidArgumentError(`samples must be a positive integer, but got ${samples}`);
  const chosen = new Rng(seed).permutation(total).subarray(0, Math.min(samples, total));
  return Uint32Array.from(chosen).sort();
}
