// The optimizers' updates, as TensorFlow.js computes them, operation for operation.

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
