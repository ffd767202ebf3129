/**
 * Images and labels in SharedArrayBuffers: posting them to a worker thread shares the memory
 * instead of copying it, so every thread of a pool reads the one copy the process loaded.
 */
export interface LabelledImages {
  readonly count: number;
  /** count x (height * width * channels) floats in [0, 1], row-major. */
  readonly images: Float32Array;
  /** count class indices. */
  readonly labels: Uint8Array;
}

export function allocateShared(count: number, pixels: number): LabelledImages {
  return {
    count,
    images: new Float32Array(new SharedArrayBuffer(count * pixels * Float32Array.BYTES_PER_ELEMENT)),
    labels: new Uint8Array(new SharedArrayBuffer(count)),
  };
}
