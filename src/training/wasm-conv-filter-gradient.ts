import * as tf from '@tensorflow/tfjs';

/** The slice of the WebAssembly backend that a kernel written in JavaScript needs. */
interface WasmBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

interface FilterGradientAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The backend's own kernels the fast path is made of. */
interface FastKernels {
  readonly pad2d: tf.KernelConfig;
  readonly transpose: tf.KernelConfig;
  readonly conv2d: tf.KernelConfig;
}

/**
 * The WebAssembly backend (4.22) has Conv2D and Conv2DBackpropInput but no Conv2DBackpropFilter,
 * so a conv layer's kernel cannot be trained there ("Kernel 'Conv2DBackpropFilter' not registered
 * for backend 'wasm'"). This registers it, channels last:
 * dW[i, j, c, k] = sum over b, y, x of input[b, y*s + i - pad, x*s + j - pad, c] * dy[b, y, x, k].
 * With stride 1 (every conv the sweeper builds: pooling is its own layer) that sum is itself a
 * convolution and runs on the backend's fast Conv2D kernel; other strides take a loop written in
 * JavaScript, slower but exact. Does nothing if the kernel exists (a later backend version, or a
 * second call).
 */
export function registerWasmConvFilterGradient(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  const [pad2d, transpose, conv2d] = ['PadV2', 'Transpose', 'Conv2D'].map((name) => tf.getKernel(name, 'wasm'));
  const fast = pad2d && transpose && conv2d ? { pad2d, transpose, conv2d } : undefined;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const settings = attrs as unknown as FilterGradientAttrs;
      if (settings.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: only channels-last (NHWC) data is supported');
      const [strideHeight, strideWidth] = typeof settings.strides === 'number' ? [settings.strides, settings.strides] : settings.strides;
      return fast && strideHeight === 1 && strideWidth === 1
        ? convolutionGradient(fast, x, dy, backend, settings)
        : loopGradient(x, dy, backend as unknown as WasmBackend, settings);
    },
  });
}

/**
 * Stride 1: dW[i,j,c,o] = sum over b,y,x of xPadded[b,y+i,x+j,c] dy[b,y,x,o], i.e. x with the
 * batch as channels ([c, H, W, b]) convolved ('valid') with dy as the filter ([y, x, b, o]).
 */
function convolutionGradient(
  { pad2d, transpose, conv2d }: FastKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  backend: unknown,
  { pad, filterShape }: FilterGradientAttrs,
): tf.TensorInfo {
  const [filterHeight, filterWidth] = filterShape;
  // With stride 1, 'same' pads (f - 1) in all, the smaller half before (as TensorFlow does).
  const padding = (size: number): [number, number] =>
    pad === 'same' ? [Math.floor((size - 1) / 2), size - 1 - Math.floor((size - 1) / 2)] : pad === 'valid' ? [0, 0] : [pad, pad];
  const temporary: tf.TensorInfo[] = [];
  const run = (kernel: tf.KernelConfig, kernelInputs: tf.NamedTensorInfoMap, kernelAttrs: tf.NamedAttrMap): tf.TensorInfo => {
    const out = kernel.kernelFunc({ inputs: kernelInputs, backend: backend as tf.KernelBackend, attrs: kernelAttrs }) as tf.TensorInfo;
    temporary.push(out);
    return out;
  };
  try {
    const padded = run(pad2d, { x }, { paddings: [[0, 0], padding(filterHeight), padding(filterWidth), [0, 0]], constantValue: 0 });
    const batchAsChannels = run(transpose, { x: padded }, { perm: [3, 1, 2, 0] });
    const dyAsFilter = run(transpose, { x: dy }, { perm: [1, 2, 0, 3] });
    const product = run(conv2d, { x: batchAsChannels, filter: dyAsFilter }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC' });
    // [c, i, j, o] -> [i, j, c, o]; the result is the caller's, not temporary.
    return transpose.kernelFunc({
      inputs: { x: product },
      backend: backend as tf.KernelBackend,
      attrs: { perm: [1, 2, 0, 3] },
    }) as tf.TensorInfo;
  } finally {
    for (const t of temporary) (backend as tf.KernelBackend).disposeData(t.dataId);
  }
}

/** Any stride: the sum above, term by term. */
function loopGradient(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  wasm: WasmBackend,
  { strides, pad, dimRoundingMode, filterShape }: FilterGradientAttrs,
): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
  } = info;
  const { top, left } = info.padInfo;
  const input = wasm.readSync(x.dataId) as Float32Array;
  const grad = wasm.readSync(dy.dataId) as Float32Array;
  const out = wasm.makeOutput(filterShape, 'float32');
  const dw = wasm.typedArrayFromHeap(out) as Float32Array;
  dw.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++) {
        const dyBase = ((b * outHeight + yr) * outWidth + yc) * outChannels;
        for (let i = 0; i < filterHeight; i++) {
          const xr = yr * strideHeight + i - top;
          if (xr < 0 || xr >= inHeight) continue;
          for (let j = 0; j < filterWidth; j++) {
            const xc = yc * strideWidth + j - left;
            if (xc < 0 || xc >= inWidth) continue;
            const xBase = ((b * inHeight + xr) * inWidth + xc) * inChannels;
            const wBase = (i * filterWidth + j) * inChannels * outChannels;
            for (let c = 0; c < inChannels; c++) {
              const value = input[xBase + c] as number;
              if (value === 0) continue;
              const row = wBase + c * outChannels;
              for (let k = 0; k < outChannels; k++) dw[row + k] = (dw[row + k] as number) + value * (grad[dyBase + k] as number);
            }
          }
        }
      }
    }
  }
  return out;
}
