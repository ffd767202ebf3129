import type { DatasetName } from './dataset-spec.js';

/** How a dataset is stored, and so which loader reads it. */
export type DatasetFormat = 'bundled' | 'idx' | 'cifar';

export interface DatasetFacts {
  readonly format: DatasetFormat;
  readonly classes: number;
  /** [height, width, channels] of one example. */
  readonly shape: readonly [number, number, number];
  /** Examples in all, where the count is fixed (bundled data); file datasets are counted when read. */
  readonly examples?: number;
  /** The four standard IDX file names (without `.gz`). */
  readonly idxNames?: {
    readonly train_images: string;
    readonly train_labels: string;
    readonly test_images: string;
    readonly test_labels: string;
  };
  /**
   * EMNIST's IDX images are stored transposed relative to MNIST (column after column); the loader
   * turns them upright so that models, and pictures drawn later, see MNIST's orientation.
   */
  readonly transposed?: boolean;
  /** Sub-folders of `dir` where the files are also looked for, as the official archives unpack them. */
  readonly subdirs?: readonly string[];
}

const MNIST_NAMES = {
  train_images: 'train-images-idx3-ubyte',
  train_labels: 'train-labels-idx1-ubyte',
  test_images: 't10k-images-idx3-ubyte',
  test_labels: 't10k-labels-idx1-ubyte',
} as const;

/** What is known of each dataset before loading it, so that a sweep file can be checked up front. */
export const DATASET_FACTS: Readonly<Record<DatasetName, DatasetFacts>> = {
  'bundled-mnist': { format: 'bundled', examples: 10000, classes: 10, shape: [28, 28, 1] },
  mnist: { format: 'idx', classes: 10, shape: [28, 28, 1], idxNames: MNIST_NAMES },
  'fashion-mnist': { format: 'idx', classes: 10, shape: [28, 28, 1], idxNames: MNIST_NAMES },
  'emnist-balanced': {
    format: 'idx',
    classes: 47,
    shape: [28, 28, 1],
    transposed: true,
    idxNames: {
      train_images: 'emnist-balanced-train-images-idx3-ubyte',
      train_labels: 'emnist-balanced-train-labels-idx1-ubyte',
      test_images: 'emnist-balanced-test-images-idx3-ubyte',
      test_labels: 'emnist-balanced-test-labels-idx1-ubyte',
    },
    subdirs: ['gzip'],
  },
  'cifar-10': { format: 'cifar', classes: 10, shape: [32, 32, 3], subdirs: ['cifar-10-batches-bin'] },
};

export const CIFAR_TRAIN_BATCHES = [1, 2, 3, 4, 5].map((n) => `data_batch_${n}.bin`);
export const CIFAR_TEST_BATCH = 'test_batch.bin';
