import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { Rng } from '../../random/rng.js';
import { digammaTable } from './digamma-table.js';
import { checkSampleMatrix, type SampleMatrix } from './sample-matrix.js';

export interface KsgOptions {
  /** Neighbours: KSG's k. 3 is NPEET's default and Kraskov et al.'s advice (k = 2..4) for small N. */
  readonly k?: number;
  /**
   * Scale of the uniform noise in [0, jitter) added to every coordinate of X and Y, as NPEET does
   * (intens = 1e-10), so that duplicate samples and discrete labels do not tie. Absolute, not
   * relative: it assumes features of order 1. 0 turns it off.
   */
  readonly jitter?: number;
  /** Seeds the jitter, so the same inputs always give the same estimate. */
  readonly seed?: number;
}

export const KSG_DEFAULTS = { k: 3, jitter: 1e-10, seed: 0 } as const;

/** Distance matrices take 16 N^2 bytes: 16 MB at the usual N = 1000, 400 MB at this cap. */
export const KSG_MAX_SAMPLES = 5000;

/**
 * I(X;Y) in nats by Kraskov, Stoegbauer and Grassberger (2004), algorithm 1, max-norm:
 *   I = psi(k) + psi(N) - < psi(n_x + 1) + psi(n_y + 1) >
 * where eps_i is the distance from sample i to its k-th nearest neighbour in the joint space
 * (the max of the X and Y distances) and n_x, n_y count the other samples strictly closer than
 * eps_i in each marginal space. Nats because the estimator is written in natural logarithms (as
 * is the Gaussian reference -1/2 ln(1 - rho^2)); divide by Math.LN2 for NPEET's bits. The
 * learning-rate policies only use ratios of estimates, which units do not change.
 *
 * Cost: every pairwise distance is computed once, O(N^2 (dx + dy)), in float64 (float32 could
 * not hold the 1e-10 jitter next to values of order 1). The estimate can be slightly negative
 * for independent variables; it is returned as is.
 */
export function ksgMutualInformation(x: SampleMatrix, y: SampleMatrix, options: KsgOptions = {}): number {
  const k = options.k ?? KSG_DEFAULTS.k;
  const jitter = options.jitter ?? KSG_DEFAULTS.jitter;
  const seed = options.seed ?? KSG_DEFAULTS.seed;
  checkSampleMatrix(x, 'x');
  checkSampleMatrix(y, 'y');
  const n = x.rows;
  if (y.rows !== n) throw new InvalidArgumentError(`x and y must have the same number of rows (samples), but got ${n} and ${y.rows}`);
  if (!Number.isInteger(k) || k < 1 || k >= n)
    throw new InvalidArgumentError(`k must be an integer in [1, ${n - 1}] (below the ${n} samples), but got ${k}`);
  if (n > KSG_MAX_SAMPLES)
    throw new InvalidArgumentError(`KSG takes at most ${KSG_MAX_SAMPLES} samples, but got ${n}: estimate on a subset`);
  if (!(jitter >= 0) || !Number.isFinite(jitter)) throw new InvalidArgumentError(`jitter must be a finite number >= 0, but got ${jitter}`);

  const rng = new Rng(seed);
  const dx = maxNormDistances(jittered(x, jitter, rng), n, x.cols);
  const dy = maxNormDistances(jittered(y, jitter, rng), n, y.cols);
  const psi = digammaTable(n);

  // The k smallest joint distances seen so far, ascending; allocated once.
  const nearest = new Float64Array(k);
  let marginalSum = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    nearest.fill(Number.POSITIVE_INFINITY);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const a = dx[row + j] as number;
      const b = dy[row + j] as number;
      const d = a > b ? a : b;
      if (d >= (nearest[k - 1] as number)) continue;
      let slot = k - 1;
      while (slot > 0 && (nearest[slot - 1] as number) > d) {
        nearest[slot] = nearest[slot - 1] as number;
        slot--;
      }
      nearest[slot] = d;
    }
    const eps = nearest[k - 1] as number;
    let nx = 0;
    let ny = 0;
    for (let j = 0; j < n; j++) {
      if ((dx[row + j] as number) < eps) nx++;
      if ((dy[row + j] as number) < eps) ny++;
    }
    // The diagonal (distance 0) was counted in both: that is the "+1" of psi(n_x + 1).
    marginalSum += (psi[nx] as number) + (psi[ny] as number);
  }
  return (psi[k] as number) + (psi[n] as number) - marginalSum / n;
}

function jittered(matrix: SampleMatrix, jitter: number, rng: Rng): Float64Array {
  const out = Float64Array.from(matrix.data);
  if (jitter > 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + jitter * rng.float();
  return out;
}

/**
 * The symmetric N x N matrix of max-norm distances, each pair computed once. Rows j are taken four
 * at a time so each value of row i is loaded once for four pairs, and Math.max/Math.abs compile
 * to branch-free code: together 8x faster than the plain loop at d = 784 (see bench/ksg-speed.ts).
 */
function maxNormDistances(data: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = i * d;
    let j = i + 1;
    for (; j + 3 < n; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let m0 = 0;
      let m1 = 0;
      let m2 = 0;
      let m3 = 0;
      for (let c = 0; c < d; c++) {
        const v = data[a + c] as number;
        m0 = Math.max(m0, Math.abs(v - (data[b0 + c] as number)));
        m1 = Math.max(m1, Math.abs(v - (data[b1 + c] as number)));
        m2 = Math.max(m2, Math.abs(v - (data[b2 + c] as number)));
        m3 = Math.max(m3, Math.abs(v - (data[b3 + c] as number)));
      }
      const row = i * n + j;
      out[row] = m0;
      out[row + 1] = m1;
      out[row + 2] = m2;
      out[row + 3] = m3;
      out[j * n + i] = m0;
      out[(j + 1) * n + i] = m1;
      out[(j + 2) * n + i] = m2;
      out[(j + 3) * n + i] = m3;
    }
    for (; j < n; j++) {
      const b = j * d;
      let m = 0;
      for (let c = 0; c < d; c++) m = Math.max(m, Math.abs((data[a + c] as number) - (data[b + c] as number)));
      out[i * n + j] = m;
      out[j * n + i] = m;
    }
  }
  return out;
}
