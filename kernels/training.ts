// The kernels of one training step of an MLP or a CNN (dense layers, stride-1 convolutions as
// im2col and a product, max-pooling, softmax cross-entropy, L2, and SGD, momentum, RMSprop or
// Adam), in AssemblyScript, compiled by asc with 128-bit SIMD into dist/kernels/training.wasm
// (npm run build:kernels). src/training/fused/ lays out the memory and calls them: every pointer
// is a byte offset into this module's memory, every matrix row-major float32, every image NHWC.
//
// Why: TensorFlow.js runs an MLP's step as about 180 kernels, each a few microseconds of
// dispatch, and its GEMM reaches about 60 % of what wasm SIMD allows on the step's shapes. Here a
// step is a few dozen calls, and the products run 4 x 8 register tiles at 70 to 90 % of it.
//
// The arithmetic follows TensorFlow.js's float32 operations in the same order where it matters
// (the optimizers' updates); test/training/fused compares the two paths.

/** Where the caller may start laying out its buffers. */
export function heapBase(): usize {
  return __heap_base;
}

// ---- Matrix products ---------------------------------------------------------------------------

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

// ---- Activations -------------------------------------------------------------------------------

export const LINEAR = 0;
export const RELU = 1;
export const SIGMOID = 2;
export const TANH = 3;
export const ELU = 4;
export const SELU = 5;
export const LEAKY_RELU = 6;

// TensorFlow.js's SELU constants.
const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f32 = 1.7580993408473768;

/** z (rows x cols) = activation(z + bias), bias one value per column; in place. */
export function biasActivation(z: usize, bias: usize, rows: i32, cols: i32, kind: i32, alpha: f32): void {
  const row = (<usize>cols) << 2;
  for (let i = 0; i < rows; i++) {
    const pz = z + <usize>i * row;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const at = pz + ((<usize>j) << 2);
      v128.store(at, activate4(f32x4.add(v128.load(at), v128.load(bias + ((<usize>j) << 2))), kind, alpha));
    }
    for (; j < cols; j++) {
      const at = pz + ((<usize>j) << 2);
      store<f32>(at, activate(load<f32>(at) + load<f32>(bias + ((<usize>j) << 2)), kind, alpha));
    }
  }
}

/** activate() on four values at once, exp by exp4. */
function activate4(x: v128, kind: i32, alpha: f32): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (kind) {
    case RELU:
      return f32x4.max(x, zero);
    case SIGMOID:
      return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
    case TANH: {
      // 1 - 2 / (exp(2|x|) + 1), with the sign of x: no overflow, and exact where it saturates.
      const magnitude = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(f32x4.abs(x), f32x4.abs(x))), one)));
      return v128.bitselect(f32x4.neg(magnitude), magnitude, f32x4.lt(x, zero));
    }
    case ELU:
      return v128.bitselect(x, f32x4.mul(f32x4.splat(alpha), f32x4.sub(exp4(f32x4.min(x, zero)), one)), f32x4.gt(x, zero));
    case SELU:
      return v128.bitselect(
        f32x4.mul(f32x4.splat(SELU_SCALE), x),
        f32x4.mul(f32x4.splat(SELU_SCALE_ALPHA), f32x4.sub(exp4(f32x4.min(x, zero)), one)),
        f32x4.gt(x, zero),
      );
    case LEAKY_RELU:
      return v128.bitselect(x, f32x4.mul(f32x4.splat(alpha), x), f32x4.gt(x, zero));
    default:
      return x;
  }
}

/**
 * e^x on four floats: x = n ln 2 + r with |r| <= ln 2 / 2, e^r by Cephes's degree-6 polynomial
 * for expf, then 2^n through the exponent bits. Within 2 ulp of expf over the range where e^x is
 * a normal float; below it the result is the smallest normal (about 1e-38) instead of a
 * denormal or 0, above 88 e^88 (1.7e38) instead of a larger value or infinity; NaN stays NaN.
 */
function exp4(x: v128): v128 {
  const clamped = f32x4.max(f32x4.min(x, f32x4.splat(88.0)), f32x4.splat(-87.33654));
  const n = f32x4.nearest(f32x4.mul(clamped, f32x4.splat(1.44269504088896341)));
  const r = f32x4.sub(f32x4.sub(clamped, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^n as a float: the biased exponent n + 127 in bits 23-30 (n is within [-126, 127] here).
  const power = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, power);
}

function activate(x: f32, kind: i32, alpha: f32): f32 {
  switch (kind) {
    case RELU:
      return x > 0 ? x : 0;
    case SIGMOID:
      return <f32>1 / (<f32>1 + Mathf.exp(-x));
    case TANH:
      return Mathf.tanh(x);
    case ELU:
      return x > 0 ? x : alpha * (Mathf.exp(x) - 1);
    case SELU:
      return x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * (Mathf.exp(x) - 1);
    case LEAKY_RELU:
      return x > 0 ? x : alpha * x;
    default:
      return x;
  }
}

/**
 * dz = dh * activation'(x), from the activation's output h (every activation here has its
 * derivative as a function of its output); in place on dh.
 */
export function activationGradient(dh: usize, h: usize, count: i32, kind: i32, alpha: f32): void {
  if (kind == LINEAR) return;
  let i = 0;
  if (kind == RELU) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= count; i += 4) {
      const at = (<usize>i) << 2;
      v128.store(dh + at, v128.and(v128.load(dh + at), f32x4.gt(v128.load(h + at), zero)));
    }
  }
  for (; i < count; i++) {
    const at = (<usize>i) << 2;
    const y = load<f32>(h + at);
    store<f32>(dh + at, load<f32>(dh + at) * derivative(y, kind, alpha));
  }
}

function derivative(y: f32, kind: i32, alpha: f32): f32 {
  switch (kind) {
    case RELU:
      return y > 0 ? 1 : 0;
    case SIGMOID:
      return y * (<f32>1 - y);
    case TANH:
      return <f32>1 - y * y;
    case ELU:
      return y > 0 ? 1 : y + alpha;
    case SELU:
      return y > 0 ? SELU_SCALE : y + SELU_SCALE_ALPHA;
    case LEAKY_RELU:
      return y > 0 ? 1 : alpha;
    default:
      return 1;
  }
}

// ---- Loss --------------------------------------------------------------------------------------

let hits: i32 = 0;

/** Correct predictions (argmax = label) of the last softmaxCrossEntropy call. */
export function lastHits(): i32 {
  return hits;
}

/**
 * Mean softmax cross-entropy of logits (rows x cols) against int32 labels; writes its gradient,
 * (softmax - one-hot) / rows, into grad, and counts the rows whose first largest logit is the label.
 */
export function softmaxCrossEntropy(logits: usize, labels: usize, rows: i32, cols: i32, grad: usize): f64 {
  const row = (<usize>cols) << 2;
  const scale = <f32>1 / <f32>rows;
  let total: f64 = 0;
  hits = 0;
  for (let i = 0; i < rows; i++) {
    const pl = logits + <usize>i * row;
    const pg = grad + <usize>i * row;
    const label = load<i32>(labels + ((<usize>i) << 2));
    let largest = load<f32>(pl);
    let argmax = 0;
    for (let j = 1; j < cols; j++) {
      const v = load<f32>(pl + ((<usize>j) << 2));
      if (v > largest) {
        largest = v;
        argmax = j;
      }
    }
    if (argmax == label) hits++;
    let sum: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const e = Mathf.exp(load<f32>(pl + ((<usize>j) << 2)) - largest);
      store<f32>(pg + ((<usize>j) << 2), e);
      sum += e;
    }
    const inverse = <f32>1 / sum;
    for (let j = 0; j < cols; j++) {
      const at = pg + ((<usize>j) << 2);
      store<f32>(at, (load<f32>(at) * inverse - (j == label ? <f32>1 : <f32>0)) * scale);
    }
    total += <f64>(Mathf.log(sum) - (load<f32>(pl + ((<usize>label) << 2)) - largest));
  }
  return total / rows;
}

/** out (cols) = the sums of the columns of x (rows x cols): a bias's gradient. */
export function columnSums(x: usize, rows: i32, cols: i32, out: usize): void {
  const row = (<usize>cols) << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let sum = f32x4.splat(0);
    for (let i = 0; i < rows; i++) sum = f32x4.add(sum, v128.load(x + <usize>i * row + ((<usize>j) << 2)));
    v128.store(out + ((<usize>j) << 2), sum);
  }
  for (; j < cols; j++) {
    let sum: f32 = 0;
    for (let i = 0; i < rows; i++) sum += load<f32>(x + <usize>i * row + ((<usize>j) << 2));
    store<f32>(out + ((<usize>j) << 2), sum);
  }
}

// ---- L2 penalty --------------------------------------------------------------------------------

/** The sum of squares of w (count values): Keras's L2 penalty is l2 times it. */
export function sumOfSquares(w: usize, count: i32): f64 {
  let sum: f32 = 0;
  for (let i = 0; i < count; i++) {
    const v = load<f32>(w + ((<usize>i) << 2));
    sum += v * v;
  }
  return sum;
}

/** g += scale * w: the L2 penalty's gradient (scale = 2 l2) added to a kernel's. */
export function addScaled(g: usize, w: usize, count: i32, scale: f32): void {
  const s = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(g + at, f32x4.add(v128.load(g + at), f32x4.mul(v128.load(w + at), s)));
  }
  for (; i < count; i++) {
    const at = (<usize>i) << 2;
    store<f32>(g + at, load<f32>(g + at) + load<f32>(w + at) * scale);
  }
}

// ---- Optimizers: TensorFlow.js's updates, operation for operation ------------------------------

/** SGD: w = c * g + w, with c = -learning rate. */
export function sgd(w: usize, g: usize, count: i32, c: f32): void {
  const vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(w + at, f32x4.add(f32x4.mul(vc, v128.load(g + at)), v128.load(w + at)));
  }
  for (; i < count; i++) {
    const at = (<usize>i) << 2;
    store<f32>(w + at, c * load<f32>(g + at) + load<f32>(w + at));
  }
}

/** Momentum: acc = m * acc + g, then w = c * acc + w, with c = -learning rate. */
export function momentum(w: usize, g: usize, acc: usize, count: i32, m: f32, c: f32): void {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = (<usize>i) << 2;
    const next = f32x4.add(f32x4.mul(vm, v128.load(acc + at)), v128.load(g + at));
    v128.store(acc + at, next);
    v128.store(w + at, f32x4.add(f32x4.mul(vc, next), v128.load(w + at)));
  }
  for (; i < count; i++) {
    const at = (<usize>i) << 2;
    const next = m * load<f32>(acc + at) + load<f32>(g + at);
    store<f32>(acc + at, next);
    store<f32>(w + at, c * next + load<f32>(w + at));
  }
}

/**
 * Adam as TensorFlow.js computes it: m = m * beta1 + g * (1 - beta1), v = v * beta2 + g^2 *
 * (1 - beta2), then w = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon) * c + w, with
 * c = -learning rate; the (1 - ...) factors come in as float32 values computed by the caller.
 */
export function adam(
  w: usize,
  g: usize,
  first: usize,
  second: usize,
  count: i32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  oneMinusPower1: f32,
  oneMinusPower2: f32,
  epsilon: f32,
  c: f32,
): void {
  const vb1 = f32x4.splat(beta1);
  const vob1 = f32x4.splat(oneMinusBeta1);
  const vb2 = f32x4.splat(beta2);
  const vob2 = f32x4.splat(oneMinusBeta2);
  const vp1 = f32x4.splat(oneMinusPower1);
  const vp2 = f32x4.splat(oneMinusPower2);
  const veps = f32x4.splat(epsilon);
  const vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = (<usize>i) << 2;
    const grad = v128.load(g + at);
    const m = f32x4.add(f32x4.mul(v128.load(first + at), vb1), f32x4.mul(grad, vob1));
    const v = f32x4.add(f32x4.mul(v128.load(second + at), vb2), f32x4.mul(f32x4.mul(grad, grad), vob2));
    v128.store(first + at, m);
    v128.store(second + at, v);
    const step = f32x4.div(f32x4.div(m, vp1), f32x4.add(f32x4.sqrt(f32x4.div(v, vp2)), veps));
    v128.store(w + at, f32x4.add(f32x4.mul(step, vc), v128.load(w + at)));
  }
  for (; i < count; i++) {
    const at = (<usize>i) << 2;
    const grad = load<f32>(g + at);
    const m = load<f32>(first + at) * beta1 + grad * oneMinusBeta1;
    const v = load<f32>(second + at) * beta2 + grad * grad * oneMinusBeta2;
    store<f32>(first + at, m);
    store<f32>(second + at, v);
    store<f32>(w + at, (m / oneMinusPower1 / (Mathf.sqrt(v / oneMinusPower2) + epsilon)) * c + load<f32>(w + at));
  }
}

// ---- Convolution (as im2col and a product) and max-pooling, on NHWC images -------------------

/**
 * The patches of a stride-1 convolution as rows: for each image b and output pixel (y, x), one row
 * of size * size * channels values in the kernel's order (ky, kx, channel), zero outside the
 * image. `padTop`/`padLeft` are TensorFlow's 'same' padding (or 0 for 'valid'). Filled one
 * kernel position (ky, kx) at a time along an output row, so that the bounds are worked out once
 * per position and the inner loop only copies.
 */
export function im2col(
  src: usize,
  batch: i32,
  height: i32,
  width: i32,
  channels: i32,
  size: i32,
  padTop: i32,
  padLeft: i32,
  outHeight: i32,
  outWidth: i32,
  dst: usize,
): void {
  const patch = size * size * channels;
  const rowBytes = (<usize>patch) << 2;
  for (let b = 0; b < batch; b++) {
    const image = src + ((<usize>b * <usize>height * <usize>width * <usize>channels) << 2);
    for (let y = 0; y < outHeight; y++) {
      const rows = dst + ((<usize>(b * outHeight + y) * <usize>outWidth * <usize>patch) << 2);
      for (let ky = 0; ky < size; ky++) {
        const iy = y + ky - padTop;
        for (let kx = 0; kx < size; kx++) {
          const column = rows + ((<usize>((ky * size + kx) * channels)) << 2);
          // Output columns x whose input column x + kx - padLeft lies in the image.
          const first = iy < 0 || iy >= height ? outWidth : max(0, padLeft - kx);
          const end = iy < 0 || iy >= height ? outWidth : min(outWidth, width + padLeft - kx);
          for (let x = 0; x < first; x++)
            for (let c = 0; c < channels; c++) store<f32>(column + <usize>x * rowBytes + ((<usize>c) << 2), 0);
          if (first < end) {
            let from = image + ((<usize>((iy * width + first + kx - padLeft) * channels)) << 2);
            let to = column + <usize>first * rowBytes;
            for (let x = first; x < end; x++) {
              for (let c = 0; c < channels; c++) store<f32>(to + ((<usize>c) << 2), load<f32>(from + ((<usize>c) << 2)));
              from += (<usize>channels) << 2;
              to += rowBytes;
            }
          }
          for (let x = max(end, first); x < outWidth; x++)
            for (let c = 0; c < channels; c++) store<f32>(column + <usize>x * rowBytes + ((<usize>c) << 2), 0);
        }
      }
    }
  }
}

/** The reverse of im2col for gradients: adds each row's values back into the image they came from (dst zeroed first). */
export function col2im(
  src: usize,
  batch: i32,
  height: i32,
  width: i32,
  channels: i32,
  size: i32,
  padTop: i32,
  padLeft: i32,
  outHeight: i32,
  outWidth: i32,
  dst: usize,
): void {
  fill(dst, batch * height * width * channels, 0);
  let from = src;
  for (let b = 0; b < batch; b++) {
    const image = dst + ((<usize>b * <usize>height * <usize>width * <usize>channels) << 2);
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        for (let ky = 0; ky < size; ky++) {
          const iy = y + ky - padTop;
          for (let kx = 0; kx < size; kx++) {
            const ix = x + kx - padLeft;
            if (iy < 0 || iy >= height || ix < 0 || ix >= width) {
              from += (<usize>channels) << 2;
              continue;
            }
            const at = image + ((<usize>(iy * width + ix) * <usize>channels) << 2);
            for (let c = 0; c < channels; c++) {
              const to = at + ((<usize>c) << 2);
              store<f32>(to, load<f32>(to) + load<f32>(from));
              from += 4;
            }
          }
        }
      }
    }
  }
}

/** count floats at dst set to value. */
export function fill(dst: usize, count: i32, value: f32): void {
  for (let i = 0; i < count; i++) store<f32>(dst + ((<usize>i) << 2), value);
}

/**
 * Max-pooling with a pool x pool window and the same stride ('valid': a last row or column that
 * does not fill a window is dropped), NHWC. Writes each output's maximum and the index (into src,
 * in floats) it came from, the first largest in the window's row-major order. Four channels at a
 * time where the channels come in fours.
 */
export function maxPool(src: usize, batch: i32, height: i32, width: i32, channels: i32, pool: i32, dst: usize, argmax: usize): void {
  const outHeight = height / pool;
  const outWidth = width / pool;
  const lanes = i32x4(0, 1, 2, 3);
  let out: usize = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        const corner = ((b * height + y * pool) * width + x * pool) * channels;
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let best = v128.load(src + ((<usize>(corner + c)) << 2));
          let bestIndex = i32x4.add(i32x4.splat(corner + c), lanes);
          for (let py = 0; py < pool; py++) {
            for (let px = 0; px < pool; px++) {
              if (py == 0 && px == 0) continue;
              const index = corner + (py * width + px) * channels + c;
              const value = v128.load(src + ((<usize>index) << 2));
              const larger = f32x4.gt(value, best);
              best = v128.bitselect(value, best, larger);
              bestIndex = v128.bitselect(i32x4.add(i32x4.splat(index), lanes), bestIndex, larger);
            }
          }
          v128.store(dst + (out << 2), best);
          v128.store(argmax + (out << 2), bestIndex);
          out += 4;
        }
        for (; c < channels; c++) {
          let bestIndex = corner + c;
          let best = load<f32>(src + ((<usize>bestIndex) << 2));
          for (let py = 0; py < pool; py++) {
            for (let px = 0; px < pool; px++) {
              const index = corner + (py * width + px) * channels + c;
              const value = load<f32>(src + ((<usize>index) << 2));
              if (value > best) {
                best = value;
                bestIndex = index;
              }
            }
          }
          store<f32>(dst + (out << 2), best);
          store<i32>(argmax + (out << 2), bestIndex);
          out++;
        }
      }
    }
  }
}

/** dIn (inCount floats, zeroed here) receives each output's gradient at the input its maximum came from. */
export function maxPoolGradient(dOut: usize, argmax: usize, outCount: i32, dIn: usize, inCount: i32): void {
  fill(dIn, inCount, 0);
  for (let i = 0; i < outCount; i++) {
    const to = dIn + ((<usize>load<i32>(argmax + ((<usize>i) << 2))) << 2);
    store<f32>(to, load<f32>(to) + load<f32>(dOut + ((<usize>i) << 2)));
  }
}

/**
 * RMSprop (not centered) as TensorFlow.js computes it: ms = ms * decay + g^2 * (1 - decay), then
 * mom = mom * momentum + (g * learningRate) / sqrt(ms + epsilon), then w = w - mom.
 */
export function rmsprop(
  w: usize,
  g: usize,
  meanSquare: usize,
  moment: usize,
  count: i32,
  decay: f32,
  oneMinusDecay: f32,
  momentum: f32,
  learningRate: f32,
  epsilon: f32,
): void {
  const vd = f32x4.splat(decay);
  const vod = f32x4.splat(oneMinusDecay);
  const vm = f32x4.splat(momentum);
  const vlr = f32x4.splat(learningRate);
  const veps = f32x4.splat(epsilon);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = (<usize>i) << 2;
    const grad = v128.load(g + at);
    const ms = f32x4.add(f32x4.mul(v128.load(meanSquare + at), vd), f32x4.mul(f32x4.mul(grad, grad), vod));
    const mom = f32x4.add(f32x4.mul(v128.load(moment + at), vm), f32x4.div(f32x4.mul(grad, vlr), f32x4.sqrt(f32x4.add(ms, veps))));
    v128.store(meanSquare + at, ms);
    v128.store(moment + at, mom);
    v128.store(w + at, f32x4.sub(v128.load(w + at), mom));
  }
  for (; i < count; i++) {
    const at = (<usize>i) << 2;
    const grad = load<f32>(g + at);
    const ms = load<f32>(meanSquare + at) * decay + grad * grad * oneMinusDecay;
    const mom = load<f32>(moment + at) * momentum + (grad * learningRate) / Mathf.sqrt(ms + epsilon);
    store<f32>(meanSquare + at, ms);
    store<f32>(moment + at, mom);
    store<f32>(w + at, load<f32>(w + at) - mom);
  }
}
