import { createHash } from 'node:crypto';

/** SHA-256 of the bytes, hex: how checkpoints are named for checking wherever they travel. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
