import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';

/**
 * N samples of a d-dimensional variable, row-major: sample i is data[i*cols .. (i+1)*cols).
 * This is the layout of a 2-d tensor's `dataSync()`, so activations pass through uncopied.
 */
export interface SampleMatrix {
  readonly data: Float32Array | Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Checks the shape and that every value is finite; `name` is how the caller knows the matrix. */
export function checkSampleMatrix(matrix: SampleMatrix, name: string): void {
  const { data, rows, cols } = matrix;
  if (!Number.isInteger(rows) || rows < 1) throw new InvalidArgumentError(`${name}.rows must be a positive integer, but got ${rows}`);
  if (!Number.isInteger(cols) || cols < 1) throw new InvalidArgumentError(`${name}.cols must be a positive integer, but got ${cols}`);
  if (data.length !== rows * cols) {
    throw new InvalidArgumentError(`${name}.data must hold rows x cols = ${rows * cols} values, but holds ${data.length}`);
  }
  for (let i = 0; i < data.length; i++) {
    const value = data[i] as number;
    if (!Number.isFinite(value)) {
      throw new InvalidArgumentError(`${name} must hold finite values, but row ${Math.floor(i / cols)}, column ${i % cols} is ${value}`);
    }
  }
}

/** The listed rows of a matrix, in the order listed (e.g. the fixed MI subset of a dataset). */
export function selectRows(matrix: SampleMatrix, rows: ArrayLike<number>): SampleMatrix {
  const { data, cols } = matrix;
  const out = new Float64Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number;
    if (!Number.isInteger(row) || row < 0 || row >= matrix.rows) {
      throw new InvalidArgumentError(`row indices must be integers in [0, ${matrix.rows}), but got ${row}`);
    }
    out.set(data.subarray(row * cols, (row + 1) * cols), r * cols);
  }
  return { data: out, rows: rows.length, cols };
}
