// The kernels of one training step of an MLP or a CNN (dense layers, stride-1 convolutions as
// im2col and a product, max-pooling, softmax cross-entropy, L2, and SGD, momentum, RMSprop or
// Adam), in AssemblyScript, compiled by asc with 128-bit SIMD into dist/kernels/training.wasm
// (npm run build:kernels). src/training/fused/ lays out the memory and calls them: every pointer
// is a byte offset into this module's memory, every matrix row-major float32, every image NHWC.
//
// Why: TensorFlow.js runs an MLP's step as about 180 kernels, each a few microseconds of
// dispatch, and its GEMM reaches about 60 % of what wasm SIMD allows on the step's shapes. Here a
// step is a few dozen calls, and the products run 4 x 8 register tiles at 70 to 90 % of it.
//
// The arithmetic follows TensorFlow.js's float32 operations in the same order where it matters
// (the optimizers' updates); test/training/fused compares the two paths.

/** Where the caller may start laying out its buffers. */
export function heapBase(): usize {
  return __heap_base;
}

export { gemm, transpose } from './gemm';
export { LINEAR, RELU, SIGMOID, TANH, ELU, SELU, LEAKY_RELU, biasActivation, activationGradient } from './activations';
export { softmaxCrossEntropy, lastHits, columnSums, sumOfSquares, addScaled } from './loss';
export { sgd, momentum, rmsprop, adam } from './optimizers';
export { im2col, col2im, maxPool, maxPoolGradient } from './convolution';
