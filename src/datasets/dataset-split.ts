import { Rng } from '../random/rng.js';
import type { DatasetSpec } from './dataset-spec.js';
import { allocateShared, type LabelledImages } from './labelled-images.js';
import { splitSizes } from './split-sizes.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/** A dataset divided into train / validation / test, each part in shared memory. */
export interface DatasetSplit {
  /** Identifies the data and split, so that threads can cache their tensors across trials. */
  readonly key: string;
  /** [height, width, channels] of one example. */
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  readonly train: LabelledImages;
  readonly validation: LabelledImages;
  readonly test: LabelledImages;
}

/** Shuffles with the spec's seed, takes `limit` examples if given, and cuts validation, test, then train. */
export function splitDataset(
  data: LabelledImages,
  spec: DatasetSpec,
  facts: { shape: readonly number[]; classes: number },
): DatasetSplit {
  const sizes = splitSizes(data.count, spec);
  if ('field' in sizes) throw new InvalidArgumentError(`dataset.${sizes.field} ${sizes.message}`);
  const order = new Rng(spec.seed).permutation(data.count);
  const pixels = data.images.length / data.count;
  const part = (start: number, count: number): LabelledImages => {
    const out = allocateShared(count, pixels);
    for (let i = 0; i < count; i++) {
      const source = order[start + i] as number;
      out.images.set(data.images.subarray(source * pixels, (source + 1) * pixels), i * pixels);
      out.labels[i] = data.labels[source] as number;
    }
    return out;
  };
  const [height = 0, width = 0, channels = 0] = facts.shape;
  return {
    key: JSON.stringify({ name: spec.name, validation: spec.validation, test: spec.test, limit: spec.limit ?? null, seed: spec.seed }),
    shape: [height, width, channels],
    classes: facts.classes,
    validation: part(0, sizes.validation),
    test: part(sizes.validation, sizes.test),
    train: part(sizes.validation + sizes.test, sizes.train),
  };
}
