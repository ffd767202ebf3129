import type { SyntheticTask } from '../synthetic/synthetic-task.js';
import type { TrainingTask } from '../training/training-task.js';
import type { CommandTask } from '../user-code/command-task.js';
import type { ModuleTask } from '../user-code/module-task.js';

/**
 * What every trial of a sweep runs: built-in training, the user's own program or JavaScript
 * module, or the synthetic stand-in for training. Executors pick their way of running an
 * assignment by `type`.
 */
export type SweepTask = TrainingTask | CommandTask | ModuleTask | SyntheticTask;
