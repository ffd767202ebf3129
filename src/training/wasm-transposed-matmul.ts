import * as tf from '@tensorflow/tfjs';

/** Our wrappers, so that registering twice does not wrap a wrapper. */
const WRAPPED = new WeakSet<tf.KernelFunc>();

/**
 * TensorFlow.js 4.22's WebAssembly backend multiplies a transposed operand about 6-10x slower
 * than a plain one (a [50,784]^T x [50,100] product: 2.6 ms against 0.37 ms for an explicit
 * transpose then the plain product). Every dense layer's backward pass has two such products
 * (x^T dy and dy W^T), so this re-registers BatchMatMul and _FusedMatMul on wasm to transpose
 * the operand first and run the fast kernel.
 */
export function registerWasmTransposedMatMul(): void {
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(kernelName, 'wasm');
    const transpose = tf.getKernel('Transpose', 'wasm');
    if (original === undefined || transpose === undefined || WRAPPED.has(original.kernelFunc)) continue;
    const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const flip = (t: tf.TensorInfo): tf.TensorInfo => {
        const perm = t.shape.map((_, i) => i);
        perm.splice(-2, 2, perm.length - 1, perm.length - 2);
        return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
      };
      const flipped = [...(transposeA ? [flip(a)] : []), ...(transposeB ? [flip(b)] : [])];
      try {
        return original.kernelFunc({
          inputs: { ...inputs, a: transposeA ? flipped[0] : a, b: transposeB ? flipped.at(-1) : b },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        for (const t of flipped) (backend as tf.KernelBackend).disposeData(t.dataId);
      }
    };
    WRAPPED.add(kernelFunc);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
}
