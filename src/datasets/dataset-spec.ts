/** The datasets a sweep can train on; DATASET_FACTS (dataset-catalog.ts) says what each one is. */
export const DATASET_NAMES = ['bundled-mnist', 'mnist', 'fashion-mnist', 'emnist-balanced', 'cifar-10'] as const;

export type DatasetName = (typeof DATASET_NAMES)[number];

/**
 * Explicit data files, overriding the standard names looked up in `dir`. IDX datasets take the
 * first four, CIFAR-10 the last two. Absolute paths once normalised.
 */
export interface DatasetFiles {
  readonly train_images?: string;
  readonly train_labels?: string;
  readonly test_images?: string;
  readonly test_labels?: string;
  readonly train_batches?: readonly string[];
  readonly test_batch?: string;
}

/** Where a sweep's data comes from and how it is split. */
export interface DatasetSpec {
  readonly name: DatasetName;
  /**
   * Folder holding the dataset's files under their standard names (absolute). It travels to
   * workers as written, and each worker looks the files up on its own disk (plain or gzip).
   */
  readonly dir?: string;
  readonly files?: DatasetFiles;
  /** Validation share of the training examples: a fraction in (0, 1) or a count. */
  readonly validation: number;
  /**
   * Test share: a fraction in (0, 1) or a count (0 for none). For bundled-mnist it is cut from
   * the 10,000 digits (always present, 0 by default); for datasets with test files it is taken
   * from those files, and absent means all of them.
   */
  readonly test?: number;
  /** Use only this many training examples (a seeded subset), e.g. for quick experiments. */
  readonly limit?: number;
  /** Seed of the shuffle that splits the data; the study seed when absent. */
  readonly seed: number;
}
