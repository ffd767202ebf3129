// Softmax cross-entropy, a bias's gradient, and the L2 penalty.

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
