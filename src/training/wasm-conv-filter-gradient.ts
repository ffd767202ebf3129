import * as tf from '@tensorflow/tfjs';

/** The slice of the WebAssembly backend that a kernel written in JavaScript needs. */
interface WasmBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

/**
 * The WebAssembly backend (4.22) has Conv2D and Conv2DBackpropInput but no Conv2DBackpropFilter,
 * so a conv layer's kernel cannot be trained there ("Kernel 'Conv2DBackpropFilter' not registered
 * for backend 'wasm'"). This registers it, written in JavaScript: the kernel gradient
 * dW[i, j, c, k] = sum over b, y, x of input[b, y*s + i - pad, x*s + j - pad, c] * dy[b, y, x, k],
 * channels last. It is slower than XNNPACK, but a CNN's time goes mostly to the other kernels.
 * Does nothing if the kernel exists (a later backend version, or a second call).
 */
export function registerWasmConvFilterGradient(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackend;
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: only channels-last (NHWC) data is supported');
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
      const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
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
    },
  });
}
