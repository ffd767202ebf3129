import { stringify } from 'yaml';
import { parseSweep } from '../src/config/load-sweep-file.js';
import { SearchSpace } from '../src/space/search-space.js';
import type { SearchSpaceDefinition } from '../src/space/param-spec.js';
import type { SyntheticTask } from '../src/synthetic/synthetic-task.js';

export type BenchSampler = 'tpe' | 'random';

export interface SyntheticStudyOptions {
  readonly name: string;
  readonly trials: number;
  readonly epochs: number;
  readonly epochSeconds: number;
  readonly sampler: BenchSampler;
  readonly seed: number;
}

/** A synthetic sweep as the coordinator receives it, and what Optuna's side needs to run the same trials. */
export interface SyntheticStudy {
  /** The sweep file's text, submitted as a user's `sweeper submit FILE` would send it. */
  readonly yaml: string;
  /** Normalised space and task, parsed from `yaml` as the coordinator parses it. */
  readonly definition: SearchSpaceDefinition;
  /** Parents first: the order Optuna's side calls suggest_* in. */
  readonly order: readonly string[];
  readonly task: SyntheticTask;
}

/**
 * The study both distributed benchmarks run: the space of sweeps/synthetic.yaml (a log-scale
 * float, a log-scale int and a categorical), no pruner, noise 0, one repeat. Our TPE runs with
 * the study defaults (constant liar on, 10 random startup trials, as Optuna's default has).
 */
export function syntheticStudy(options: SyntheticStudyOptions): SyntheticStudy {
  const yaml = stringify({
    study: options.name,
    seed: options.seed,
    synthetic: { epochs: options.epochs, epoch_seconds: options.epochSeconds, noise: 0 },
    space: {
      learning_rate: { type: 'float', low: 1e-4, high: 1, log: true },
      width: { type: 'int', low: 16, high: 256, log: true },
      optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
    },
    sampler: { type: options.sampler, seed: options.seed },
    budget: { trials: options.trials },
    objective: { metric: 'val_loss', direction: 'minimize' },
  });
  const { definition } = parseSweep(yaml, `${options.name}.yaml`);
  if (definition.task?.type !== 'synthetic') throw new Error('the benchmark sweep must parse to a synthetic task');
  return { yaml, definition: definition.space, order: SearchSpace.fromDefinition(definition.space).order, task: definition.task };
}
