/**
 * Mixes integers into one 32-bit seed, so that every (study, trial, repeat) gets its own stream
 * and the same inputs always give the same seed, whatever order trials run in.
 * The finaliser is MurmurHash3's fmix32: cheap, and every input bit affects every output bit.
 */
export function deriveSeed(...parts: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    if (!Number.isSafeInteger(part)) throw new RangeError(`seed parts must be safe integers, but got ${part}`);
    // Fold the high bits in too: seeds may exceed 32 bits.
    hash = fmix32(hash ^ fmix32(part >>> 0) ^ fmix32(Math.floor(part / 2 ** 32) >>> 0));
  }
  return hash >>> 0;
}

function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
