import type { SyntheticTask } from '../synthetic/synthetic-task.js';
import type { TrainingTask } from '../training/training-task.js';

/**
 * What every trial of a sweep runs: real training, or the synthetic stand-in for it. Executors
 * pick their way of running an assignment by `type`.
 */
export type SweepTask = TrainingTask | SyntheticTask;
