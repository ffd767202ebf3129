import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvFilterGradient } from './wasm-conv-filter-gradient.js';
import type { BackendPreference } from './backend-preference.js';
import { registerWasmTransposedMatMul } from './wasm-transposed-matmul.js';
import { registerWasmMaxPoolGradient } from './wasm-max-pool-gradient.js';

export type { BackendPreference } from './backend-preference.js';

// Kept in a variable so that TypeScript does not require the optional package at build time.
const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * Picks the TensorFlow.js backend for this thread: native TensorFlow when @tensorflow/tfjs-node
 * is installed (auto), else WebAssembly, which ships inside its npm package and works offline.
 * Returns the backend's name.
 */
export async function initBackend(preference: BackendPreference): Promise<string> {
  if (preference === 'auto' || preference === 'tensorflow') {
    try {
      await import(TFJS_NODE);
      if (await tf.setBackend('tensorflow')) return tf.getBackend();
    } catch (error) {
      if (preference === 'tensorflow')
        throw new Error(`the tensorflow backend needs ${TFJS_NODE}: ${(error as Error).message}`, { cause: error });
    }
  }
  const name = preference === 'cpu' ? 'cpu' : 'wasm';
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend of TensorFlow.js failed to start`);
  await tf.ready();
  if (name === 'wasm') {
    registerWasmConvFilterGradient();
    registerWasmTransposedMatMul();
    registerWasmMaxPoolGradient();
  }
  return tf.getBackend();
}
