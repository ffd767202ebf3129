// Convolution (as im2col and a product) and max-pooling, on NHWC images.

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
