import type { DatasetSpec } from './dataset-spec.js';

/** What is known of each dataset before loading it, so that a sweep file can be checked up front. */
export const DATASET_FACTS: Readonly<Record<DatasetSpec['name'], { examples: number; classes: number; shape: readonly number[] }>> = {
  'bundled-mnist': { examples: 10000, classes: 10, shape: [28, 28, 1] },
};
