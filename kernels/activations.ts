// The activations and their derivatives, four values at a time where the columns allow.

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
