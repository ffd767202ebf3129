import * as tf from '@tensorflow/tfjs';

type Strides = number | readonly [number, number];

/**
 * The gradient of a 2-D convolution with respect to its filter, which TensorFlow.js 4.22's
 * WebAssembly backend lacks (training any conv2d layer on it fails with "Kernel
 * 'Conv2DBackpropFilter' not registered"). It reuses the backend's 3-D kernel: NHWC data read
 * as NDHWC with depth 1 is the same memory, so no copy is made. Stride 1 only: with larger
 * strides that kernel's results differ from the CPU backend's (checked in its test), so those
 * fail with a clear message instead of training on wrong gradients.
 */
export function registerWasmConv2dFilterGrad(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (conv3d === undefined) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, filterShape } = attrs as unknown as {
        strides: Strides;
        pad: unknown;
        dataFormat: string;
        filterShape: [number, number, number, number];
      };
      if (dataFormat !== 'NHWC' || (pad !== 'same' && pad !== 'valid' && typeof pad !== 'number')) {
        throw new Error(`Conv2DBackpropFilter on wasm supports NHWC data with 'same', 'valid' or numeric padding, but got ${dataFormat} and ${JSON.stringify(pad)}`);
      }
      const [strideHeight, strideWidth] = typeof strides === 'number' ? [strides, strides] : strides;
      if (strideHeight !== 1 || strideWidth !== 1) throw new Error(`Conv2DBackpropFilter on wasm supports stride 1 only, but got ${strideHeight}x${strideWidth}`);
      const as5d = (t: tf.TensorInfo): tf.TensorInfo => ({ dataId: t.dataId, dtype: t.dtype, shape: [t.shape[0] ?? 1, 1, ...t.shape.slice(1)] });
      const dw = conv3d.kernelFunc({
        inputs: { x: as5d(x), dy: as5d(dy) },
        backend,
        attrs: { strides: [1, 1, 1], pad, filterShape: [1, ...filterShape] },
      }) as tf.TensorInfo;
      return { dataId: dw.dataId, dtype: dw.dtype, shape: filterShape };
    },
  });
}
