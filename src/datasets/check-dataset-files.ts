import { statSync } from 'node:fs';
import { DataError } from '../errors/data-error.js';
import { checkCifarLength } from './cifar-batch.js';
import { DATASET_FACTS } from './dataset-catalog.js';
import { resolveDatasetFiles, type IdxPair } from './dataset-files.js';
import type { DatasetSpec } from './dataset-spec.js';
import { checkIdxHeader, IDX_HEADER_BYTES } from './idx-file.js';
import { readDataFileHeadSync } from './read-data-file-head-sync.js';

/**
 * Checks that a dataset's files exist and that their headers agree with their lengths and with
 * each other, reading only headers and sizes: cheap enough for a coordinator to run on every
 * submitted sweep. Labels are checked against the class count only when the data is loaded.
 * Only synchronous, non-blocking reads: the coordinator runs it in a thread of its own
 * (dataset-check-thread.ts), where a path on a hung file system holds only that thread, never a
 * slot of the process's shared file-I/O pool.
 */
export async function checkDatasetFiles(spec: DatasetSpec): Promise<void> {
  if (DATASET_FACTS[spec.name].format === 'bundled') return;
  const files = await resolveDatasetFiles(spec, (path) => statSync(path));
  if (files.format === 'cifar') {
    for (const path of [...files.train, ...(files.test === undefined ? [] : [files.test])])
      checkCifarLength(path, readDataFileHeadSync(path, 0).length);
    return;
  }
  const [height, width] = DATASET_FACTS[spec.name].shape;
  const checkPair = (pair: IdxPair): void => {
    const images = readDataFileHeadSync(pair.images, IDX_HEADER_BYTES);
    const labels = readDataFileHeadSync(pair.labels, IDX_HEADER_BYTES);
    const imageCount = checkIdxHeader(pair.images, images.head, images.length, 'images', { rows: height, cols: width }).count;
    const labelCount = checkIdxHeader(pair.labels, labels.head, labels.length, 'labels').count;
    if (labelCount !== imageCount) {
      throw new DataError(
        `${pair.labels}: has ${labelCount} labels, but ${pair.images} has ${imageCount} images: they must match one to one`,
      );
    }
  };
  checkPair(files.train);
  if (files.test) checkPair(files.test);
}
