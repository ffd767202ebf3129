/**
 * Which TensorFlow.js backend a worker thread starts. Apart from tf-backend.ts so that the CLI can
 * offer the choices without loading TensorFlow.js.
 */
export type BackendPreference = 'auto' | 'wasm' | 'cpu' | 'tensorflow';
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'wasm', 'cpu', 'tensorflow'];
