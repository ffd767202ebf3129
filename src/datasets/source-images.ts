/**
 * Examples as a loader returns them, before the split: bundled data comes as floats in [0, 1];
 * file datasets stay as the bytes 0..255 they were stored as (a quarter of the memory, which
 * matters while a process keeps CIFAR-10's 150 MB of training bytes cached), and the split scales
 * them. Not shared memory: only the split's parts travel to threads.
 */
export interface SourceImages {
  readonly count: number;
  /** count x (height * width * channels), row-major, channels last. */
  readonly images: Float32Array | Uint8Array;
  readonly labels: Uint8Array;
}
