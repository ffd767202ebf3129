import { DataError } from '../errors/data-error.js';
import { allInOrder } from './all-in-order.js';
import { checkCifarLength } from './cifar-batch.js';
import { DATASET_FACTS } from './dataset-catalog.js';
import { resolveDatasetFiles, type IdxPair, type StatPath } from './dataset-files.js';
import type { DatasetSpec } from './dataset-spec.js';
import { checkIdxHeader, IDX_HEADER_BYTES } from './idx-file.js';
import { readDataFileHead, type DataFileHead } from './read-data-file.js';

/**
 * Checks that a dataset's files exist and that their headers agree with their lengths and with
 * each other, reading only headers and sizes: cheap enough for a coordinator to run on every
 * submitted sweep. Labels are checked against the class count only when the data is loaded.
 */
/**
 * How the check reaches the disk. The default uses fs/promises; the coordinator's check thread
 * passes synchronous, non-blocking readers so that no user's path ever waits in the process's
 * shared file-I/O pool.
 */
export interface DatasetCheckIo {
  readonly stat?: StatPath;
  readonly readHead: (path: string, headBytes: number) => DataFileHead | Promise<DataFileHead>;
}

const DEFAULT_IO: DatasetCheckIo = { readHead: readDataFileHead };

export async function checkDatasetFiles(spec: DatasetSpec, io: DatasetCheckIo = DEFAULT_IO): Promise<void> {
  if (DATASET_FACTS[spec.name].format === 'bundled') return;
  const { readHead } = io;
  const files = await resolveDatasetFiles(spec, ...(io.stat ? [io.stat] : []));
  if (files.format === 'cifar') {
    await allInOrder([...files.train, ...(files.test === undefined ? [] : [files.test])].map(async (path) => checkCifarLength(path, (await readHead(path, 0)).length)));
    return;
  }
  const [height, width] = DATASET_FACTS[spec.name].shape;
  const checkPair = async (pair: IdxPair): Promise<void> => {
    const [images, labels] = await allInOrder([Promise.resolve(readHead(pair.images, IDX_HEADER_BYTES)), Promise.resolve(readHead(pair.labels, IDX_HEADER_BYTES))]);
    const imageCount = checkIdxHeader(pair.images, images.head, images.length, 'images', { rows: height, cols: width }).count;
    const labelCount = checkIdxHeader(pair.labels, labels.head, labels.length, 'labels').count;
    if (labelCount !== imageCount) {
      throw new DataError(`${pair.labels}: has ${labelCount} labels, but ${pair.images} has ${imageCount} images: they must match one to one`);
    }
  };
  await allInOrder([checkPair(files.train), ...(files.test ? [checkPair(files.test)] : [])]);
}
