import { DataError } from '../errors/data-error.js';

export const CIFAR_SIDE = 32;
const PLANE = CIFAR_SIDE * CIFAR_SIDE;
/** One record: a label byte, then the red, green and blue planes of a 32x32 image, each row-major. */
export const CIFAR_RECORD_BYTES = 1 + 3 * PLANE;
const CIFAR_CLASSES = 10;

/** Checks that a CIFAR-10 binary file holds whole records, from its length alone. */
export function checkCifarLength(path: string, length: number): number {
  if (length === 0) throw new DataError(`${path}: empty, expected CIFAR-10 records of ${CIFAR_RECORD_BYTES} bytes`);
  if (length % CIFAR_RECORD_BYTES !== 0) {
    throw new DataError(
      `${path}: truncated or not a CIFAR-10 binary batch: ${length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records (${Math.floor(length / CIFAR_RECORD_BYTES)} records and ${length % CIFAR_RECORD_BYTES} bytes)`,
    );
  }
  return length / CIFAR_RECORD_BYTES;
}

/**
 * Parses a CIFAR-10 binary batch into images of [height, width, channels] = [32, 32, 3], channels
 * last as TensorFlow.js expects (the file stores each channel as its own plane), still as bytes.
 */
export function parseCifarBatch(path: string, bytes: Uint8Array): { count: number; pixels: Uint8Array; labels: Uint8Array } {
  const count = checkCifarLength(path, bytes.length);
  const pixels = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const record = n * CIFAR_RECORD_BYTES;
    const label = bytes[record] as number;
    if (label >= CIFAR_CLASSES)
      throw new DataError(`${path}: record ${n} has label ${label}, but CIFAR-10 has ${CIFAR_CLASSES} classes (0..9)`);
    labels[n] = label;
    const out = n * 3 * PLANE;
    for (let channel = 0; channel < 3; channel++) {
      const plane = record + 1 + channel * PLANE;
      for (let i = 0; i < PLANE; i++) pixels[out + i * 3 + channel] = bytes[plane + i] as number;
    }
  }
  return { count, pixels, labels };
}
