import { DataError } from '../errors/data-error.js';

/** IDX magic numbers: two zero bytes, 0x08 (unsigned bytes), then the number of dimensions. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

/** Enough bytes for either header: magic + 3 dimensions. */
export const IDX_HEADER_BYTES = 16;

export type IdxKind = 'images' | 'labels';

export interface IdxHeader {
  readonly count: number;
  /** Rows and columns of an image; absent for labels. */
  readonly rows?: number;
  readonly cols?: number;
  /** Where the data starts. */
  readonly offset: number;
}

const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;

/**
 * Checks an IDX header against what the file must hold (its magic, the image size) and against
 * the file's length, which must be exactly header + data: a short file is truncated, a long one
 * is not the file the header describes.
 */
export function checkIdxHeader(
  path: string,
  head: Uint8Array,
  length: number,
  kind: IdxKind,
  imageSize?: { rows: number; cols: number },
): IdxHeader {
  const expected = kind === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const headerBytes = kind === 'images' ? 16 : 8;
  if (length < 4 || head.length < 4)
    throw new DataError(`${path}: truncated: expected an IDX file of ${kind}, but it has only ${Math.min(length, head.length)} bytes`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expected) {
    const found = magic === IDX_IMAGES_MAGIC ? ' (images)' : magic === IDX_LABELS_MAGIC ? ' (labels)' : '';
    throw new DataError(`${path}: expected IDX magic ${hex(expected)} (${kind}), found ${hex(magic)}${found}`);
  }
  if (length < headerBytes || head.length < headerBytes) {
    throw new DataError(`${path}: truncated: an IDX header of ${kind} takes ${headerBytes} bytes, but the file has ${length}`);
  }
  const count = view.getUint32(4);
  if (kind === 'labels') {
    checkLength(path, length, headerBytes + count, `${count} labels`);
    return { count, offset: headerBytes };
  }
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (imageSize && (rows !== imageSize.rows || cols !== imageSize.cols)) {
    throw new DataError(`${path}: expected images of ${imageSize.rows}x${imageSize.cols} pixels, but the header says ${rows}x${cols}`);
  }
  checkLength(path, length, headerBytes + count * rows * cols, `${count} images of ${rows}x${cols}`);
  return { count, rows, cols, offset: headerBytes };
}

function checkLength(path: string, length: number, expected: number, what: string): void {
  if (length < expected)
    throw new DataError(`${path}: truncated: the header declares ${what} (${expected} bytes in all), but the file has ${length}`);
  if (length > expected)
    throw new DataError(
      `${path}: the header declares ${what} (${expected} bytes in all), but the file has ${length}: ${length - expected} bytes too many`,
    );
}

/** The images of an IDX file (bytes, one image after another) after checking its header. */
export function parseIdxImages(
  path: string,
  bytes: Uint8Array,
  imageSize: { rows: number; cols: number },
): { count: number; pixels: Uint8Array } {
  const header = checkIdxHeader(path, bytes, bytes.length, 'images', imageSize);
  return { count: header.count, pixels: bytes.subarray(header.offset) };
}

/** The labels of an IDX file, each checked to be a class index below `classes`. */
export function parseIdxLabels(path: string, bytes: Uint8Array, classes: number): Uint8Array {
  const header = checkIdxHeader(path, bytes, bytes.length, 'labels');
  const labels = bytes.subarray(header.offset);
  for (let i = 0; i < labels.length; i++) {
    if ((labels[i] as number) >= classes) {
      throw new DataError(`${path}: label ${i} is ${labels[i]}, but this dataset has ${classes} classes (0..${classes - 1})`);
    }
  }
  return labels;
}
