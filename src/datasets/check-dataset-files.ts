import { DataError } from '../errors/data-error.js';
import { allInOrder } from './all-in-order.js';
import { checkCifarLength } from './cifar-batch.js';
import { DATASET_FACTS } from './dataset-catalog.js';
import { resolveDatasetFiles, type IdxPair } from './dataset-files.js';
import type { DatasetSpec } from './dataset-spec.js';
import { checkIdxHeader, IDX_HEADER_BYTES } from './idx-file.js';
import { readDataFileHead } from './read-data-file.js';

/**
 * Checks that a dataset's files exist and that their headers agree with their lengths and with
 * each other, reading only headers and sizes: cheap enough for a coordinator to run on every
 * submitted sweep. Labels are checked against the class count only when the data is loaded.
 */
export async function checkDatasetFiles(spec: DatasetSpec): Promise<void> {
  if (DATASET_FACTS[spec.name].format === 'bundled') return;
  const files = await resolveDatasetFiles(spec);
  if (files.format === 'cifar') {
    await allInOrder([...files.train, ...(files.test === undefined ? [] : [files.test])].map(async (path) => checkCifarLength(path, (await readDataFileHead(path, 0)).length)));
    return;
  }
  const [height, width] = DATASET_FACTS[spec.name].shape;
  const checkPair = async (pair: IdxPair): Promise<void> => {
    const [images, labels] = await allInOrder([readDataFileHead(pair.images, IDX_HEADER_BYTES), readDataFileHead(pair.labels, IDX_HEADER_BYTES)]);
    const imageCount = checkIdxHeader(pair.images, images.head, images.length, 'images', { rows: height, cols: width }).count;
    const labelCount = checkIdxHeader(pair.labels, labels.head, labels.length, 'labels').count;
    if (labelCount !== imageCount) {
      throw new DataError(`${pair.labels}: has ${labelCount} labels, but ${pair.images} has ${imageCount} images: they must match one to one`);
    }
  };
  await allInOrder([checkPair(files.train), ...(files.test ? [checkPair(files.test)] : [])]);
}
