import * as tf from '@tensorflow/tfjs';

/** The slice of the WebAssembly backend that a kernel written in JavaScript needs. */
interface WasmBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Marks our kernel, so that registering twice does not replace it again. */
const OURS = new WeakSet<tf.KernelFunc>();

/**
 * TensorFlow.js 4.22's WebAssembly MaxPoolGrad sends a window's gradient to the wrong input, or
 * to none, when every value in the window is negative (after tanh, ELU or batch norm, say), so a
 * CNN with such an activation before its pooling trains on wrong gradients there. This replaces
 * it with the JavaScript backend's rule, written out: each output's gradient goes to the first
 * largest input of its window (NHWC). Models the fused step covers do not use it (their pooling
 * has its own gradient); it serves the others, such as CNNs with batch norm.
 */
export function registerWasmMaxPoolGradient(): void {
  const existing = tf.getKernel('MaxPoolGrad', 'wasm');
  if (existing && OURS.has(existing.kernelFunc)) return;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as PoolAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const wasm = backend as unknown as WasmBackend;
    const x = wasm.readSync(input.dataId) as Float32Array;
    const gradient = wasm.readSync(dy.dataId) as Float32Array;
    const out = wasm.makeOutput([...input.shape], 'float32');
    const dx = wasm.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const { filterHeight, filterWidth, padInfo } = info;
    let at = 0;
    for (let b = 0; b < batchSize; b++)
      for (let oy = 0; oy < outHeight; oy++)
        for (let ox = 0; ox < outWidth; ox++)
          for (let c = 0; c < channels; c++, at++) {
            let best = -Infinity;
            let where = -1;
            for (let wy = 0; wy < filterHeight; wy++) {
              const y = oy * strideHeight - padInfo.top + wy;
              if (y < 0 || y >= inHeight) continue;
              for (let wx = 0; wx < filterWidth; wx++) {
                const xx = ox * strideWidth - padInfo.left + wx;
                if (xx < 0 || xx >= inWidth) continue;
                const index = ((b * inHeight + y) * inWidth + xx) * channels + c;
                if ((x[index] as number) > best) {
                  best = x[index] as number;
                  where = index;
                }
              }
            }
            if (where >= 0) dx[where] = (dx[where] as number) + (gradient[at] as number);
          }
    return out;
  };
  OURS.add(kernelFunc);
  if (existing) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc });
}
