import { stringify } from 'yaml';
import { parseSweep } from '../src/config/load-sweep-file.js';
import { SearchSpace } from '../src/space/search-space.js';
import type { SearchSpaceDefinition } from '../src/space/param-spec.js';
import type { SyntheticTask } from '../src/synthetic/synthetic-task.js';

export type BenchSampler = 'tpe' | 'random';

/** A sweep as the coordinator receives it, and what Optuna's side needs to run the same trials. */
export interface BenchStudy {
  /** The sweep file's text, submitted as a user's `sweeper submit FILE` would send it. */
  readonly yaml: string;
  /** Normalised space, parsed from `yaml` as the coordinator parses it. */
  readonly definition: SearchSpaceDefinition;
  /** Parents first: the order Optuna's side calls suggest_* in. */
  readonly order: readonly string[];
}

export interface SyntheticStudyOptions {
  readonly name: string;
  readonly trials: number;
  readonly epochs: number;
  readonly epochSeconds: number;
  readonly sampler: BenchSampler;
  readonly seed: number;
}

/** A synthetic sweep, with its normalised task (Optuna's objective computes the same value). */
export interface SyntheticStudy extends BenchStudy {
  readonly task: SyntheticTask;
}

/** The space of sweeps/synthetic.yaml: a log-scale float, a log-scale int and a categorical. */
export const BENCH_SPACE = {
  learning_rate: { type: 'float', low: 1e-4, high: 1, log: true },
  width: { type: 'int', low: 16, high: 256, log: true },
  optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
} as const;

export interface BenchSweepOptions {
  readonly name: string;
  readonly trials: number;
  readonly sampler: BenchSampler;
  readonly seed: number;
  /** The task's section(s): `{ synthetic: ... }`, `{ command: ... }`. */
  readonly task: Readonly<Record<string, unknown>>;
}

/**
 * Any task over BENCH_SPACE as a sweep file: no pruner, one repeat, val_loss minimised, the
 * sampler with the study defaults (for TPE: constant liar on, 10 random startup trials, as
 * Optuna's default has). Parsed as the coordinator parses it, so a bad file fails here.
 */
export function benchSweep(options: BenchSweepOptions): BenchStudy & { readonly parsed: ReturnType<typeof parseSweep> } {
  const yaml = stringify({
    study: options.name,
    seed: options.seed,
    ...options.task,
    space: BENCH_SPACE,
    sampler: { type: options.sampler, seed: options.seed },
    budget: { trials: options.trials },
    objective: { metric: 'val_loss', direction: 'minimize' },
  });
  const parsed = parseSweep(yaml, `${options.name}.yaml`);
  const { space } = parsed.definition;
  return { yaml, definition: space, order: SearchSpace.fromDefinition(space).order, parsed };
}

/**
 * The study the distributed benchmarks run: the synthetic task over BENCH_SPACE, noise 0
 * (see benchSweep for the rest).
 */
export function syntheticStudy(options: SyntheticStudyOptions): SyntheticStudy {
  const { yaml, definition, order, parsed } = benchSweep({
    ...options,
    task: { synthetic: { epochs: options.epochs, epoch_seconds: options.epochSeconds, noise: 0 } },
  });
  const { task } = parsed.definition;
  if (task?.type !== 'synthetic') throw new Error('the benchmark sweep must parse to a synthetic task');
  return { yaml, definition, order, task };
}
