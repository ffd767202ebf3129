import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Where Debian's dataset-fashion-mnist package puts the four gzipped IDX files (.ci/run installs it). */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/** An IDX file of unsigned-byte images: magic 0x00000803, count, rows, cols, then the pixels. */
export function idxImages(images: readonly Uint8Array[], rows = 28, cols = 28): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(images.length, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(cols, 12);
  return Buffer.concat([header, ...images.map((image) => Buffer.from(image))]);
}

/** An IDX file of labels: magic 0x00000801, count, then one byte per label. */
export function idxLabels(labels: readonly number[]): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x00000801, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

/** A 28x28 image whose every pixel is `value` (tells examples apart after a shuffle). */
export function flatImage(value: number, pixels = 28 * 28): Uint8Array {
  return new Uint8Array(pixels).fill(value);
}

export function writeFile(path: string, bytes: Buffer, gzip = false): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  return path;
}

/**
 * Writes a complete IDX dataset under the standard names: `train` and `test` examples labelled
 * i % classes, every pixel equal to the label, so that a split can be checked against its labels.
 */
export function writeIdxDataset(
  dir: string,
  options: { train: number; test: number; classes?: number; gzip?: boolean; prefix?: string },
): void {
  const classes = options.classes ?? 10;
  const names =
    options.prefix === undefined ? { train: 'train', test: 't10k' } : { train: `${options.prefix}-train`, test: `${options.prefix}-test` };
  for (const [part, count] of [
    ['train', options.train],
    ['test', options.test],
  ] as const) {
    const labels = Array.from({ length: count }, (_, i) => i % classes);
    const images = labels.map((label) => flatImage(label));
    const suffix = options.gzip ? '.gz' : '';
    writeFile(`${dir}/${names[part]}-images-idx3-ubyte${suffix}`, idxImages(images), options.gzip);
    writeFile(`${dir}/${names[part]}-labels-idx1-ubyte${suffix}`, idxLabels(labels), options.gzip);
  }
}

/**
 * A CIFAR-10 binary batch: per record a label byte, then 1024 red, 1024 green, 1024 blue bytes.
 * `pixel(n, channel, row, col)` gives each byte, so tests can check where each one lands.
 */
export function cifarBatch(labels: readonly number[], pixel: (n: number, channel: number, row: number, col: number) => number): Buffer {
  const record = 1 + 3 * 1024;
  const bytes = Buffer.alloc(labels.length * record);
  labels.forEach((label, n) => {
    bytes[n * record] = label;
    for (let channel = 0; channel < 3; channel++) {
      for (let row = 0; row < 32; row++) {
        for (let col = 0; col < 32; col++) bytes[n * record + 1 + channel * 1024 + row * 32 + col] = pixel(n, channel, row, col);
      }
    }
  });
  return bytes;
}

/** Writes data_batch_1..5.bin and test_batch.bin with `perBatch` records each, in `dir`. */
export function writeCifarDataset(
  dir: string,
  perBatch: number,
  pixel: (n: number, channel: number, row: number, col: number) => number = (n, c) => (n * 3 + c) % 256,
): void {
  const labels = Array.from({ length: perBatch }, (_, i) => i % 10);
  for (let b = 1; b <= 5; b++) writeFile(`${dir}/data_batch_${b}.bin`, cifarBatch(labels, pixel));
  writeFile(`${dir}/test_batch.bin`, cifarBatch(labels, pixel));
}
