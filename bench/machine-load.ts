import { availableParallelism, loadavg } from 'node:os';

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
