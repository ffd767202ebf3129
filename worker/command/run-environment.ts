import type { RunAssignment } from '../../src/execution/run-assignment.js';
import type { CommandTask } from '../../src/user-code/command-task.js';

/** The file descriptors of the line protocol (docs/own-code.md). */
export const REPORT_FD = 3;
export const DECISION_FD = 4;

/** The environment of one run: the worker's, the task's `env`, then the SWEEPER_* variables. */
export function runEnvironment(assignment: RunAssignment, task: CommandTask, paramsFile: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...task.env,
    SWEEPER_PARAMS: JSON.stringify(assignment.params),
    SWEEPER_PARAMS_FILE: paramsFile,
    SWEEPER_STUDY: assignment.study,
    SWEEPER_TRIAL: String(assignment.trialNumber),
    SWEEPER_REPEAT: String(assignment.repeat),
    SWEEPER_ATTEMPT: String(assignment.attempt),
    SWEEPER_SEED: String(assignment.seed),
    ...(task.epochs !== undefined && { SWEEPER_EPOCHS: String(task.epochs) }),
    SWEEPER_REPORT_FD: String(REPORT_FD),
    SWEEPER_DECISION_FD: String(DECISION_FD),
  };
}
