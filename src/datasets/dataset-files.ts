import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors/data-error.js';
import { allInOrder } from './all-in-order.js';
import { CIFAR_TEST_BATCH, CIFAR_TRAIN_BATCHES, DATASET_FACTS } from './dataset-catalog.js';
import type { DatasetSpec } from './dataset-spec.js';

export interface IdxPair {
  readonly images: string;
  readonly labels: string;
}

/** The concrete files of a dataset on this machine; `test` is absent when the spec takes no test part. */
export type DatasetFilePaths =
  | { readonly format: 'idx'; readonly train: IdxPair; readonly test?: IdxPair }
  | { readonly format: 'cifar'; readonly train: readonly string[]; readonly test?: string };

const ROLES = {
  train_images: 'training images',
  train_labels: 'training labels',
  test_images: 'test images',
  test_labels: 'test labels',
} as const;

/**
 * Finds a dataset's files on this machine: explicit `files` first, then the standard names in
 * `dir` (and the sub-folders the official archives unpack to), each plain or gzipped. Runs where
 * the data is loaded, so a worker finds its own copy even if it is compressed differently.
 */
/** How paths are looked at: fs/promises by default; a dataset-check thread passes a synchronous one. */
export type StatPath = (path: string) => Stats | Promise<Stats>;

export async function resolveDatasetFiles(spec: DatasetSpec, statPath: StatPath = stat): Promise<DatasetFilePaths> {
  const facts = DATASET_FACTS[spec.name];
  const wantsTest = spec.test !== 0;
  const folders = spec.dir === undefined ? [] : [spec.dir, ...(facts.subdirs ?? []).map((sub) => join(spec.dir as string, sub))];
  if (spec.dir !== undefined) await checkFolder(spec.dir, statPath);
  const find = async (name: string, role: string): Promise<string> => {
    for (const folder of folders) {
      for (const candidate of [name, `${name}.gz`]) {
        if (await isFile(join(folder, candidate), statPath)) return join(folder, candidate);
      }
    }
    if (spec.dir === undefined)
      throw new DataError(`dataset.files: no file given for the ${role} of ${spec.name}, and no dataset.dir to look in`);
    throw new DataError(`${spec.dir}: found neither ${name} nor ${name}.gz (the ${role} of ${spec.name}) in ${folders.join(' or ')}`);
  };
  const files = spec.files ?? {};

  if (facts.format === 'cifar') {
    const train = files.train_batches ?? (await allInOrder(CIFAR_TRAIN_BATCHES.map((name) => find(name, 'training batches'))));
    const test = wantsTest ? (files.test_batch ?? (await find(CIFAR_TEST_BATCH, 'test batch'))) : undefined;
    return { format: 'cifar', train, ...(test !== undefined && { test }) };
  }
  const names = facts.idxNames;
  if (facts.format !== 'idx' || !names) throw new DataError(`dataset ${spec.name} is not read from files`);
  const path = async (role: keyof typeof ROLES): Promise<string> => files[role] ?? find(names[role], ROLES[role]);
  const train = { images: await path('train_images'), labels: await path('train_labels') };
  const test = wantsTest ? { images: await path('test_images'), labels: await path('test_labels') } : undefined;
  return { format: 'idx', train, ...(test && { test }) };
}

async function isFile(path: string, statPath: StatPath): Promise<boolean> {
  try {
    return (await statPath(path)).isFile();
  } catch {
    return false;
  }
}

async function checkFolder(dir: string, statPath: StatPath): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await statPath(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`${dir}: cannot read dataset.dir: ${code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
  }
  if (!isDirectory) throw new DataError(`${dir}: dataset.dir must be a directory, but it is a file`);
}
