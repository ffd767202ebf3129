/**
 * Transposes each square-or-not image of `rows` x `cols` bytes stored column after column into
 * row after row. EMNIST's IDX files hold their images this way (transposed relative to MNIST);
 * turning them upright here means models, and pictures drawn from the data later, see the same
 * orientation as MNIST.
 */
export function transposeImages(stored: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  const pixels = rows * cols;
  const upright = new Uint8Array(count * pixels);
  for (let n = 0; n < count; n++) {
    const base = n * pixels;
    // Stored pixel (c, r) at base + c * rows + r belongs at row r, column c.
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) upright[base + r * cols + c] = stored[base + c * rows + r] as number;
    }
  }
  return upright;
}
