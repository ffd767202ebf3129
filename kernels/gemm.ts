// Matrix products and transposes, on row-major float32 matrices in this module's memory.

/**
 * C (m x n) = A (m x k) . B (k x n). A's element (i, p) is at a + i * aRow + p * aCol bytes, so
 * A may be read transposed (aRow = 4, aCol = 4 * m); B and C are row-major with n columns.
 *
 * The k dimension is cut into blocks of K_BLOCK, each added into C: a block's rows of B (and
 * columns of A) stay in cache while every tile of C passes over them, where a whole long k would
 * stream B from memory once per row of tiles (a CNN's dense layer, a filter gradient over a
 * batch's pixels).
 */
export function gemm(a: usize, aRow: usize, aCol: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const rowB = (<usize>n) << 2;
  for (let start = 0; start < k; start += K_BLOCK) {
    const depth = min(K_BLOCK, k - start);
    gemmBlock(a + <usize>start * aCol, aRow, aCol, b + <usize>start * rowB, c, m, depth, n, start > 0);
  }
}

const K_BLOCK = 256;

function gemmBlock(a: usize, aRow: usize, aCol: usize, b: usize, c: usize, m: i32, k: i32, n: i32, add: bool): void {
  const rowB = (<usize>n) << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const pa = a + <usize>i * aRow;
    const pc = c + <usize>i * rowB;
    let j = 0;
    for (; j + 8 <= n; j += 8) tile4x8(pa, aRow, aCol, b + ((<usize>j) << 2), rowB, pc + ((<usize>j) << 2), k, add);
    for (; j + 4 <= n; j += 4) tile4x4(pa, aRow, aCol, b + ((<usize>j) << 2), rowB, pc + ((<usize>j) << 2), k, add);
    for (; j < n; j++)
      for (let r = 0; r < 4; r++)
        dot(pa + <usize>r * aRow, aCol, b + ((<usize>j) << 2), rowB, pc + <usize>r * rowB + ((<usize>j) << 2), k, add);
  }
  for (; i < m; i++) {
    const pa = a + <usize>i * aRow;
    const pc = c + <usize>i * rowB;
    let j = 0;
    for (; j + 8 <= n; j += 8) tile1x8(pa, aCol, b + ((<usize>j) << 2), rowB, pc + ((<usize>j) << 2), k, add);
    for (; j + 4 <= n; j += 4) tile1x4(pa, aCol, b + ((<usize>j) << 2), rowB, pc + ((<usize>j) << 2), k, add);
    for (; j < n; j++) dot(pa, aCol, b + ((<usize>j) << 2), rowB, pc + ((<usize>j) << 2), k, add);
  }
}

/** A tile's starting value: what C holds (adding a k block) or zero. */
function initial(pc: usize, add: bool): v128 {
  return add ? v128.load(pc) : f32x4.splat(0);
}

function tile4x8(pa: usize, aRow: usize, aCol: usize, pb: usize, rowB: usize, pc: usize, k: i32, add: bool): void {
  let c00 = initial(pc, add);
  let c01 = initial(pc + 16, add);
  let c10 = initial(pc + rowB, add);
  let c11 = initial(pc + rowB + 16, add);
  let c20 = initial(pc + 2 * rowB, add);
  let c21 = initial(pc + 2 * rowB + 16, add);
  let c30 = initial(pc + 3 * rowB, add);
  let c31 = initial(pc + 3 * rowB + 16, add);
  let a0 = pa;
  let a1 = pa + aRow;
  let a2 = pa + 2 * aRow;
  let a3 = pa + 3 * aRow;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let v = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(v, b0));
    c01 = f32x4.add(c01, f32x4.mul(v, b1));
    v = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(v, b0));
    c11 = f32x4.add(c11, f32x4.mul(v, b1));
    v = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(v, b0));
    c21 = f32x4.add(c21, f32x4.mul(v, b1));
    v = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(v, b0));
    c31 = f32x4.add(c31, f32x4.mul(v, b1));
    a0 += aCol;
    a1 += aCol;
    a2 += aCol;
    a3 += aCol;
    pb += rowB;
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  pc += rowB;
  v128.store(pc, c10);
  v128.store(pc, c11, 16);
  pc += rowB;
  v128.store(pc, c20);
  v128.store(pc, c21, 16);
  pc += rowB;
  v128.store(pc, c30);
  v128.store(pc, c31, 16);
}

function tile4x4(pa: usize, aRow: usize, aCol: usize, pb: usize, rowB: usize, pc: usize, k: i32, add: bool): void {
  let c0 = initial(pc, add);
  let c1 = initial(pc + rowB, add);
  let c2 = initial(pc + 2 * rowB, add);
  let c3 = initial(pc + 3 * rowB, add);
  let a0 = pa;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a0 + aRow), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a0 + 2 * aRow), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a0 + 3 * aRow), b0));
    a0 += aCol;
    pb += rowB;
  }
  v128.store(pc, c0);
  v128.store(pc + rowB, c1);
  v128.store(pc + 2 * rowB, c2);
  v128.store(pc + 3 * rowB, c3);
}

function tile1x8(pa: usize, aCol: usize, pb: usize, rowB: usize, pc: usize, k: i32, add: bool): void {
  let c0 = initial(pc, add);
  let c1 = initial(pc + 16, add);
  for (let p = 0; p < k; p++) {
    const v = v128.load32_splat(pa);
    c0 = f32x4.add(c0, f32x4.mul(v, v128.load(pb)));
    c1 = f32x4.add(c1, f32x4.mul(v, v128.load(pb, 16)));
    pa += aCol;
    pb += rowB;
  }
  v128.store(pc, c0);
  v128.store(pc, c1, 16);
}

function tile1x4(pa: usize, aCol: usize, pb: usize, rowB: usize, pc: usize, k: i32, add: bool): void {
  let c0 = initial(pc, add);
  for (let p = 0; p < k; p++) {
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
    pa += aCol;
    pb += rowB;
  }
  v128.store(pc, c0);
}

function dot(pa: usize, aCol: usize, pb: usize, rowB: usize, pc: usize, k: i32, add: bool): void {
  let sum: f32 = add ? load<f32>(pc) : 0;
  for (let p = 0; p < k; p++) {
    sum += load<f32>(pa) * load<f32>(pb);
    pa += aCol;
    pb += rowB;
  }
  store<f32>(pc, sum);
}

/**
 * dst (cols x rows) = the transpose of src (rows x cols), in square blocks of TRANSPOSE_BLOCK, so
 * that both sides' cache lines are used while they are loaded (a CNN's dense kernel is megabytes).
 */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let i0 = 0; i0 < rows; i0 += TRANSPOSE_BLOCK) {
    const i1 = min(rows, i0 + TRANSPOSE_BLOCK);
    for (let j0 = 0; j0 < cols; j0 += TRANSPOSE_BLOCK) {
      const j1 = min(cols, j0 + TRANSPOSE_BLOCK);
      for (let i = i0; i < i1; i++) {
        const row = src + ((<usize>i * <usize>cols) << 2);
        for (let j = j0; j < j1; j++) store<f32>(dst + ((<usize>j * <usize>rows + <usize>i) << 2), load<f32>(row + ((<usize>j) << 2)));
      }
    }
  }
}

const TRANSPOSE_BLOCK = 16;
