export interface SplitSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/**
 * Turns the spec's shares (fractions or counts) into counts for a dataset of `available`
 * examples; returns a message naming the field when the split leaves nothing to train on.
 */
export function splitSizes(
  available: number,
  spec: { readonly validation: number; readonly test: number; readonly limit?: number | undefined },
): SplitSizes | { field: string; message: string } {
  if (spec.limit !== undefined && spec.limit > available) {
    return { field: 'limit', message: `must be at most ${available} (the examples available), but got ${spec.limit}` };
  }
  const total = spec.limit ?? available;
  const count = (share: number): number => (share > 0 && share < 1 ? Math.round(share * total) : share);
  const validation = count(spec.validation);
  const test = count(spec.test);
  if (validation < 1)
    return {
      field: 'validation',
      message: `must leave at least 1 validation example, but ${spec.validation} of ${total} is ${validation}`,
    };
  if (validation + test >= total) {
    return {
      field: 'validation',
      message: `validation (${validation}) + test (${test}) must be < the ${total} examples, so that some are left to train on`,
    };
  }
  return { train: total - validation - test, validation, test };
}
