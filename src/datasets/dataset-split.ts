import { Rng } from '../random/rng.js';
import type { DatasetFacts } from './dataset-catalog.js';
import type { DatasetSpec } from './dataset-spec.js';
import { allocateShared, type LabelledImages } from './labelled-images.js';
import type { FileDataset } from './load-file-dataset.js';
import type { SourceImages } from './source-images.js';
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

type Facts = Pick<DatasetFacts, 'shape' | 'classes'>;

/**
 * One pool of examples (bundled data): shuffles with the spec's seed, takes `limit` examples if
 * given, and cuts validation, test, then train.
 */
export function splitDataset(data: SourceImages, spec: DatasetSpec, facts: Facts): DatasetSplit {
  const test = spec.test ?? 0;
  const sizes = splitSizes(data.count, { ...spec, test });
  if ('field' in sizes) throw new InvalidArgumentError(`dataset.${sizes.field} ${sizes.message}`);
  const order = new Rng(spec.seed).permutation(data.count);
  return {
    key: JSON.stringify({ name: spec.name, validation: spec.validation, test, limit: spec.limit ?? null, seed: spec.seed }),
    shape: facts.shape,
    classes: facts.classes,
    validation: copyPart(data, order, 0, sizes.validation),
    test: copyPart(data, order, sizes.validation, sizes.test),
    train: copyPart(data, order, sizes.validation + sizes.test, sizes.train),
  };
}

/**
 * A dataset with its own test files: validation and train are cut from the (shuffled, limited)
 * training files as above; the test part is the test files, all of them unless `test` asks for a
 * seeded subset (a count, or a fraction of them).
 */
export function splitFileDataset(data: FileDataset, spec: DatasetSpec, facts: Facts): DatasetSplit {
  const sizes = splitSizes(data.train.count, { validation: spec.validation, test: 0, limit: spec.limit });
  if ('field' in sizes) throw new InvalidArgumentError(`dataset.${sizes.field} ${sizes.message}`);
  const order = new Rng(spec.seed).permutation(data.train.count);
  const testSource = data.test ?? { count: 0, images: new Uint8Array(0), labels: new Uint8Array(0) };
  const available = testSource.count;
  const share = spec.test ?? available;
  const testCount = share > 0 && share < 1 ? Math.round(share * available) : share;
  if (testCount > available)
    throw new InvalidArgumentError(`dataset.test must be at most ${available} (the examples in the test files), but got ${share}`);
  // All of the test files keep their order; a subset is a seeded draw from them.
  const testOrder = testCount === available ? identity(available) : new Rng(spec.seed).permutation(available);
  const { name, dir, files, validation, test, limit, seed } = spec;
  return {
    key: JSON.stringify({ name, dir: dir ?? null, files: files ?? null, validation, test: test ?? null, limit: limit ?? null, seed }),
    shape: facts.shape,
    classes: facts.classes,
    validation: copyPart(data.train, order, 0, sizes.validation),
    train: copyPart(data.train, order, sizes.validation, sizes.train),
    test: copyPart(testSource, testOrder, 0, testCount),
  };
}

/** Byte pixels scale to [0, 1] by table: one lookup per pixel instead of a division. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, value) => value / 255);

/** Copies examples order[start..start+count) into shared memory, as floats in [0, 1]. */
function copyPart(data: SourceImages, order: Uint32Array, start: number, count: number): LabelledImages {
  const pixels = data.count === 0 ? 0 : data.images.length / data.count;
  const out = allocateShared(count, pixels);
  for (let i = 0; i < count; i++) {
    const source = order[start + i] as number;
    const from = source * pixels;
    if (data.images instanceof Float32Array) {
      out.images.set(data.images.subarray(from, from + pixels), i * pixels);
    } else {
      const to = i * pixels;
      for (let p = 0; p < pixels; p++) out.images[to + p] = BYTE_TO_UNIT[data.images[from + p] as number] as number;
    }
    out.labels[i] = data.labels[source] as number;
  }
  return out;
}

function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
