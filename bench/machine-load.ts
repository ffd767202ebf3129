import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';

/**
 * The machine's load when a timing starts and ends. The distributed benchmarks run six or more
 * processes on what may be a 2-core machine: another program's load stretches their wall
 * times (not their CPU times), and a figure means little without it.
 */
export function describeLoad(): string {
  return `load average ${loadavg()[0]?.toFixed(2) ?? '?'} (1 min) on ${availableParallelism()} cores`;
}

/** The 1-minute load average, for the result line. */
export function loadAverage(): number {
  return loadavg()[0] ?? Number.NaN;
}

/** The CPU features that decide how fast numeric code can run, where /proc/cpuinfo lists them. */
const FEATURES = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'neon', 'asimd'];

/**
 * One line naming the machine a figure was measured on, for every benchmark: CPU model and its
 * vector features, cores, Node and V8, and the load. The same code ran 2x slower on another machine of the same
 * kind: a figure without its machine cannot be compared.
 */
export function describeMachine(): string {
  let flags: string[] = [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(info)?.[1] ?? '';
    const present = new Set(line.split(/\s+/));
    flags = FEATURES.filter((feature) => present.has(feature));
  } catch {
    // Not Linux: the model alone.
  }
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `machine: ${model} (${flags.join(' ') || 'flags unknown'}), ${cpus().length} cores, Node ${process.version} (V8 ${process.versions.v8}); ${describeLoad()}`;
}
