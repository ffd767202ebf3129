import { DataError } from '../errors/data-error.js';
import { allInOrder } from './all-in-order.js';
import { cifarSource } from './cifar-source.js';
import { DATASET_FACTS } from './dataset-catalog.js';
import { resolveDatasetFiles, type IdxPair } from './dataset-files.js';
import type { DatasetSpec } from './dataset-spec.js';
import { parseIdxImages, parseIdxLabels } from './idx-file.js';
import { readDataFile } from './read-data-file.js';
import type { SourceImages } from './source-images.js';
import { transposeImages } from './upright-images.js';

/** A dataset read from its files: the training files, and the test files when the spec takes a test part. */
export interface FileDataset {
  readonly train: SourceImages;
  readonly test?: SourceImages;
}

/** Finds and reads an IDX or CIFAR-10 dataset; every problem is a DataError naming the file. */
export async function loadFileDataset(spec: DatasetSpec): Promise<FileDataset> {
  const files = await resolveDatasetFiles(spec);
  if (files.format === 'cifar') {
    const [train, test] = await allInOrder([cifarSource(files.train), files.test === undefined ? undefined : cifarSource([files.test])]);
    return { train, ...(test && { test }) };
  }
  const [train, test] = await allInOrder([idxSource(spec, files.train), files.test && idxSource(spec, files.test)]);
  return { train, ...(test && { test }) };
}

async function idxSource(spec: DatasetSpec, pair: IdxPair): Promise<SourceImages> {
  const facts = DATASET_FACTS[spec.name];
  const [height, width] = facts.shape;
  const [imageBytes, labelBytes] = await allInOrder([readDataFile(pair.images), readDataFile(pair.labels)]);
  const images = parseIdxImages(pair.images, imageBytes, { rows: height, cols: width });
  const labels = parseIdxLabels(pair.labels, labelBytes, facts.classes);
  if (labels.length !== images.count) {
    throw new DataError(
      `${pair.labels}: has ${labels.length} labels, but ${pair.images} has ${images.count} images: they must match one to one`,
    );
  }
  const pixels = facts.transposed ? transposeImages(images.pixels, images.count, height, width) : images.pixels;
  return { count: images.count, images: pixels, labels };
}
