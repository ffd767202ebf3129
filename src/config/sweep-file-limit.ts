import { formatBytes } from '../files/byte-size.js';

/** Largest sweep file read or accepted: real ones are a few KiB; this bounds parse time and memory. */
export const SWEEP_FILE_LIMIT_BYTES = 1 << 20;

export function sweepFileTooLarge(bytes: number): string {
  return `the sweep file is ${formatBytes(bytes)}, more than the limit of ${formatBytes(SWEEP_FILE_LIMIT_BYTES)}`;
}
