import type { ParamValues } from '../space/param-spec.js';

/**
 * A 32-bit hash of a set of parameter values that ignores the order of their names, so that the
 * same configuration always hashes the same, wherever it was built (FNV-1a over canonical JSON).
 */
export function hashParams(params: ParamValues): number {
  const canonical = JSON.stringify(
    Object.keys(params)
      .sort()
      .map((name) => [name, params[name]]),
  );
  let hash = 0x811c9dc5;
  for (let i = 0; i < canonical.length; i++) {
    hash ^= canonical.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
