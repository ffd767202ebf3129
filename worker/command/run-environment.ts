import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import type { CommandTask } from '../../src/user-code/command-task.js';
import { RUN_MARK_VARIABLE } from './run-marks.js';

/** The file descriptors of the line protocol (docs/own-code.md). */
export const REPORT_FD = 3;
export const DECISION_FD = 4;

/**
 * The package's python/ folder (dist/worker/command/ is three levels below the package root):
 * on PYTHONPATH, `import sweeper_report` works in a run with no setup.
 */
export const PYTHON_HELPER_DIR = fileURLToPath(new URL('../../../python', import.meta.url));

/**
 * The environment of one run: the worker's, the task's `env`, then the SWEEPER_* variables, the
 * last of them the run's mark (run-marks.ts).
 */
export function runEnvironment(assignment: RunAssignment, task: CommandTask, paramsFile: string, mark: string): NodeJS.ProcessEnv {
  const pythonPath = task.env?.PYTHONPATH ?? process.env.PYTHONPATH;
  return {
    ...process.env,
    ...task.env,
    // After the user's own path entries, so that a copy of the helper they keep next to their script wins.
    PYTHONPATH: pythonPath ? `${pythonPath}${delimiter}${PYTHON_HELPER_DIR}` : PYTHON_HELPER_DIR,
    // Python would otherwise write __pycache__ into the installed package.
    PYTHONDONTWRITEBYTECODE: task.env?.PYTHONDONTWRITEBYTECODE ?? process.env.PYTHONDONTWRITEBYTECODE ?? '1',
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
    [RUN_MARK_VARIABLE]: mark,
  };
}
