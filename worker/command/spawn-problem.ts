import { stat } from 'node:fs/promises';

/** A cwd that cannot be used, named so the user can fix the sweep file (or the worker). */
export async function cwdProblem(cwd: string | undefined): Promise<string | undefined> {
  if (cwd === undefined) return undefined;
  try {
    if (!(await stat(cwd)).isDirectory()) return `cwd ${cwd} is not a directory on this worker`;
  } catch {
    return `cwd ${cwd} does not exist on this worker`;
  }
  return undefined;
}

/** Why the program could not be started, from spawn's error. */
export function spawnProblem(program: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `cannot start ${program}: not found${program.includes('/') ? '' : ' on PATH'}`;
    case 'EACCES':
      return `cannot start ${program}: permission denied (is it executable?)`;
    default:
      return `cannot start ${program}: ${error.message}`;
  }
}
