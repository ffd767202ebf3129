import { readFileSync } from 'node:fs';

/**
 * The exports of kernels/training.ts (AssemblyScript, compiled into dist/kernels/training.wasm by
 * `npm run build`). Pointers are byte offsets into `memory`; f32 parameters take JS numbers
 * (rounded to float32 on the way in).
 */
export interface TrainingKernels {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  gemm(a: number, aRow: number, aCol: number, b: number, c: number, m: number, k: number, n: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  biasActivation(z: number, bias: number, rows: number, cols: number, kind: number, alpha: number): void;
  activationGradient(dh: number, h: number, count: number, kind: number, alpha: number): void;
  softmaxCrossEntropy(logits: number, labels: number, rows: number, cols: number, grad: number): number;
  lastHits(): number;
  columnSums(x: number, rows: number, cols: number, out: number): void;
  sumOfSquares(w: number, count: number): number;
  addScaled(g: number, w: number, count: number, scale: number): void;
  sgd(w: number, g: number, count: number, c: number): void;
  momentum(w: number, g: number, acc: number, count: number, m: number, c: number): void;
  /** Patches of a stride-1 convolution as rows, and back (adding into a zeroed image). */
  im2col: PatchCopy;
  col2im: PatchCopy;
  maxPool(src: number, batch: number, height: number, width: number, channels: number, pool: number, dst: number, argmax: number): void;
  maxPoolGradient(dOut: number, argmax: number, outCount: number, dIn: number, inCount: number): void;
  rmsprop(
    w: number,
    g: number,
    meanSquare: number,
    moment: number,
    count: number,
    decay: number,
    oneMinusDecay: number,
    momentum: number,
    learningRate: number,
    epsilon: number,
  ): void;
  adam(
    w: number,
    g: number,
    first: number,
    second: number,
    count: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusPower1: number,
    oneMinusPower2: number,
    epsilon: number,
    c: number,
  ): void;
}

/** im2col's and col2im's parameters: images (NHWC), kernel size, padding, output size, and the other side. */
type PatchCopy = (
  src: number,
  batch: number,
  height: number,
  width: number,
  channels: number,
  size: number,
  padTop: number,
  padLeft: number,
  outHeight: number,
  outWidth: number,
  dst: number,
) => void;

/** The activations the kernels compute, by the codes the module exports (kernels/training.ts). */
export const ACTIVATION_KINDS = ['LINEAR', 'RELU', 'SIGMOID', 'TANH', 'ELU', 'SELU', 'LEAKY_RELU'] as const;
export type ActivationKind = (typeof ACTIVATION_KINDS)[number];

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const WASM_FILE = new URL('../../../kernels/training.wasm', import.meta.url);

/** Compiled once per thread; each trainer gets its own instance (and memory). */
let compiled: object | Error | undefined;

function compiledModule(): object | Error {
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(readFileSync(WASM_FILE));
    } catch (error) {
      // No build of the kernels, or a runtime without wasm SIMD: training keeps TensorFlow.js's path.
      compiled = error instanceof Error ? error : new Error(String(error));
    }
  }
  return compiled;
}

/** A fresh instance of the kernels with their activation codes, or why there is none. */
export function instantiateKernels(): { kernels: TrainingKernels; codes: Record<ActivationKind, number> } | { unavailable: string } {
  const module = compiledModule();
  if (module instanceof Error) return { unavailable: module.message };
  const { exports } = new wasm.Instance(module, {
    env: {
      abort: () => {
        throw new Error('training kernels aborted');
      },
    },
  });
  const codes = Object.fromEntries(ACTIVATION_KINDS.map((kind) => [kind, (exports[kind] as { value: number }).value])) as Record<
    ActivationKind,
    number
  >;
  return { kernels: exports as unknown as TrainingKernels, codes };
}
