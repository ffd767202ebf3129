import * as tf from '@tensorflow/tfjs';

type Strides = number | readonly [number, number];

/**
 * The gradient of a 2-D convolution with respect to its filter, which TensorFlow.js 4.22's
 * WebAssembly backend lacks (training any conv2d layer on it fails with "Kernel
 * 'Conv2DBackpropFilter' not registered"). It is itself a convolution, run on the backend's
 * fast Conv2D kernel: dW[i,j,c,o] = sum over b,y,x of xPadded[b,y+i,x+j,c] dy[b,y,x,o], i.e.
 * x with the batch as channels ([c, H, W, b]) convolved ('valid') with dy as the filter
 * ([y, x, b, o]). Stride 1 only; larger strides fail with a clear message.
 */
export function registerWasmConv2dFilterGrad(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  const [pad2d, transpose, conv2d] = ['PadV2', 'Transpose', 'Conv2D'].map((name) => tf.getKernel(name, 'wasm'));
  if (pad2d === undefined || transpose === undefined || conv2d === undefined) return;
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
      const [filterHeight, filterWidth] = filterShape;
      // With stride 1, 'same' pads (f - 1) in all, the smaller half before (as TensorFlow does).
      const padding = (size: number): [number, number] =>
        pad === 'same' ? [Math.floor((size - 1) / 2), size - 1 - Math.floor((size - 1) / 2)] : pad === 'valid' ? [0, 0] : [pad, pad];
      const temporary: tf.TensorInfo[] = [];
      const run = (kernel: tf.KernelConfig, kernelInputs: tf.NamedTensorInfoMap, kernelAttrs: tf.NamedAttrMap): tf.TensorInfo => {
        const out = kernel.kernelFunc({ inputs: kernelInputs, backend, attrs: kernelAttrs }) as tf.TensorInfo;
        temporary.push(out);
        return out;
      };
      try {
        const padded = run(pad2d, { x }, { paddings: [[0, 0], padding(filterHeight), padding(filterWidth), [0, 0]], constantValue: 0 });
        const batchAsChannels = run(transpose, { x: padded }, { perm: [3, 1, 2, 0] });
        const dyAsFilter = run(transpose, { x: dy }, { perm: [1, 2, 0, 3] });
        const product = run(conv2d, { x: batchAsChannels, filter: dyAsFilter }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC' });
        // [c, i, j, o] -> [i, j, c, o]; the result is the caller's, not temporary.
        return transpose.kernelFunc({ inputs: { x: product }, backend, attrs: { perm: [1, 2, 0, 3] } });
      } finally {
        for (const t of temporary) (backend as tf.KernelBackend).disposeData(t.dataId);
      }
    },
  });
}
