/** Euler-Mascheroni constant: psi(1) = -EULER_GAMMA. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * psi(n) for n = 0..max (entry 0 is NaN). KSG only takes the digamma of whole numbers (k, N and
 * neighbour counts), where psi(n) = -gamma + sum_{j<n} 1/j holds exactly; so no general digamma
 * (e.g. @stdlib/math-base-special-digamma, not a dependency today) is needed. The running sum's
 * rounding error stays below 1e-12 for the few thousand terms used here.
 */
export function digammaTable(max: number): Float64Array {
  const table = new Float64Array(max + 1);
  table[0] = Number.NaN;
  if (max >= 1) table[1] = -EULER_GAMMA;
  for (let n = 2; n <= max; n++) table[n] = (table[n - 1] as number) + 1 / (n - 1);
  return table;
}
