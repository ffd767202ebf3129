import { performance } from 'node:perf_hooks';

/**
 * What WebAssembly SIMD allows on this machine: the GFLOP/s of one thread doing nothing but
 * 128-bit multiply-adds on registers, the ceiling any wasm GEMM (XNNPACK's inside TensorFlow.js,
 * or ours) works under, as OpenBLAS's works under the native FMA peak. The bar for our
 * matrix products is half of it.
 *
 * The module is written here as bytes (a dozen instructions: no toolchain needed): a loop that
 * updates ACCUMULATORS independent vectors, acc = acc * m + c, each iteration 8 flops per vector.
 * Enough independent chains hide the latency of mul and add, so the loop runs at the throughput
 * of the SIMD units as V8 compiles it. `relaxed` uses f32x4.relaxed_madd (a fused multiply-add
 * where the CPU has one) from the relaxed-SIMD proposal, which V8 11.3 (Node 20) accepts only
 * behind --experimental-wasm-relaxed-simd.
 */
const ACCUMULATORS = 12;

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const FLOPS_PER_ITERATION = ACCUMULATORS * 8;

const SIMD = 0xfd;
const op = {
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Sub: 0x6b,
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  f32Add: 0x92,
  // SIMD opcodes follow 0xfd as unsigned LEB128.
  f32x4Splat: [SIMD, 0x13],
  f32x4ExtractLane0: [SIMD, 0x1f, 0],
  f32x4Add: [SIMD, 0xe4, 0x01],
  f32x4Mul: [SIMD, 0xe6, 0x01],
  f32x4RelaxedMadd: [SIMD, 0x85, 0x02],
} as const;

const f32 = (value: number): number[] => [...new Uint8Array(new Float32Array([value]).buffer)];
const leb = (value: number): number[] => {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
};
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const vector = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];

/** The module: one exported function peak(iterations: i32) -> f32. */
function peakModule(relaxed: boolean): Uint8Array {
  // Locals after the i32 parameter (index 0): the accumulators, then m and c.
  const m = 1 + ACCUMULATORS;
  const c = m + 1;
  const body: number[] = [];
  const splat = (value: number, local: number): void => void body.push(op.f32Const, ...f32(value), ...op.f32x4Splat, op.localSet, local);
  for (let i = 0; i < ACCUMULATORS; i++) splat(1 + i / 64, 1 + i);
  // |m| < 1 and a small c keep the values finite and normal however long the loop runs.
  splat(0.999_999, m);
  splat(1e-7, c);
  body.push(op.loop, 0x40);
  for (let i = 1; i <= ACCUMULATORS; i++) {
    if (relaxed) body.push(op.localGet, i, op.localGet, m, op.localGet, c, ...op.f32x4RelaxedMadd, op.localSet, i);
    else body.push(op.localGet, i, op.localGet, m, ...op.f32x4Mul, op.localGet, c, ...op.f32x4Add, op.localSet, i);
  }
  body.push(op.localGet, 0, op.i32Const, 1, op.i32Sub, op.localTee, 0, op.brIf, 0, op.end);
  // The result depends on every accumulator, so none of the work can be dropped.
  body.push(op.localGet, 1, ...op.f32x4ExtractLane0);
  for (let i = 2; i <= ACCUMULATORS; i++) body.push(op.localGet, i, ...op.f32x4ExtractLane0, op.f32Add);
  body.push(op.end);
  const locals = vector([[...leb(ACCUMULATORS + 2), 0x7b]]); // that many v128 locals
  const code = [...locals, ...body];
  const name = [...Buffer.from('peak')];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, 1, 0x7f, 1, 0x7d]])), // type 0: (i32) -> f32
    ...section(3, vector([[0]])), // function 0 has type 0
    ...section(7, vector([[...leb(name.length), ...name, 0x00, 0]])), // export "peak" = function 0
    ...section(10, vector([[...leb(code.length), ...code]])),
  ]);
}

export interface SimdPeak {
  /** GFLOP/s of separate f32x4 multiplies and adds (wasm SIMD as Node runs it by default). */
  readonly gflops: number;
  /** GFLOP/s with relaxed_madd, or why it could not run. */
  readonly relaxed: number | string;
}

/** Both ceilings, each the best of five rounds of about `seconds` / 5. */
export function wasmSimdPeak(seconds: number): SimdPeak {
  const plain = peakModule(false);
  if (!wasm.validate(plain)) return { gflops: Number.NaN, relaxed: 'no wasm SIMD' };
  const fused = peakModule(true);
  return {
    gflops: rate(plain, seconds),
    relaxed: wasm.validate(fused) ? rate(fused, seconds) : `not in Node ${process.version} without --experimental-wasm-relaxed-simd`,
  };
}

function rate(bytes: Uint8Array, seconds: number): number {
  const instance = new wasm.Instance(new wasm.Module(bytes));
  const peak = instance.exports.peak as (iterations: number) => number;
  peak(1000);
  let iterations = 1 << 16;
  for (;;) {
    const start = performance.now();
    peak(iterations);
    if ((performance.now() - start) / 1000 > seconds / 5) break;
    iterations *= 2;
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    peak(iterations);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return (iterations * FLOPS_PER_ITERATION) / best / 1e9;
}
