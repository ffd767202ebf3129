import type { SweepTask } from './sweep-task.js';

/** The devices each run of `task` holds while it runs: `resources: { gpus: N }` of a command task, else none. */
export function gpusWanted(task: SweepTask): number {
  return task.type === 'command' ? (task.gpus ?? 0) : 0;
}
