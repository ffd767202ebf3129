import { isAbsolute, resolve } from 'node:path';
import type { PathProblem } from '../errors/path-problem.js';
import type { SearchSpaceDefinition } from '../space/param-spec.js';
import { argvProblems } from './argv-template.js';
import { DEFAULT_GRACE_SECONDS, type CommandTask } from './command-task.js';
import type { ModuleTask } from './module-task.js';
import type { CommandSection, ModuleSection } from './user-code-schema.js';

/**
 * The normalised task of a `command:` section. Templates must name parameters of the space;
 * `cwd` is made absolute against `baseDir` (the sweep file's folder), which is also the default
 * working directory: `command: [python3, train.py]` finds the train.py next to the sweep file.
 */
export function commandTaskFromSection(
  section: CommandSection,
  space: SearchSpaceDefinition,
  baseDir: string | undefined,
): { task: CommandTask } | { problems: PathProblem[] } {
  const long = Array.isArray(section) ? { argv: section } : section;
  const argvPath = Array.isArray(section) ? ['command'] : ['command', 'argv'];
  const problems: PathProblem[] = argvProblems(long.argv, space).map(({ index, message }) => ({ path: [...argvPath, index], message }));
  let cwd: string | undefined;
  if (long.cwd !== undefined) cwd = absolute(long.cwd, baseDir, ['command', 'cwd'], problems);
  else cwd = baseDir;
  if (problems.length > 0) return { problems };
  const env =
    'env' in long && long.env ? Object.fromEntries(Object.entries(long.env).map(([name, value]) => [name, String(value)])) : undefined;
  return {
    task: {
      type: 'command',
      argv: long.argv,
      ...(cwd !== undefined && { cwd }),
      ...(env !== undefined && { env }),
      ...('epochs' in long && long.epochs !== undefined && { epochs: long.epochs }),
      ...('timeout' in long && long.timeout !== undefined && { timeoutSeconds: long.timeout }),
      graceSeconds: ('grace' in long ? long.grace : undefined) ?? DEFAULT_GRACE_SECONDS,
      ...('resources' in long && long.resources?.gpus !== undefined && long.resources.gpus > 0 && { gpus: long.resources.gpus }),
    },
  };
}

/**
 * The normalised task of a `module:` section. A path (starting with "." or "/") is made absolute
 * against `baseDir`; anything else is a package name that each worker resolves.
 */
export function moduleTaskFromSection(
  section: ModuleSection,
  baseDir: string | undefined,
): { task: ModuleTask } | { problems: PathProblem[] } {
  const long = typeof section === 'string' ? { path: section } : section;
  const field = typeof section === 'string' ? ['module'] : ['module', 'path'];
  const problems: PathProblem[] = [];
  const isPath = long.path.startsWith('.') || isAbsolute(long.path);
  const module = isPath ? absolute(long.path, baseDir, field, problems) : long.path;
  if (problems.length > 0) return { problems };
  return {
    task: {
      type: 'module',
      module,
      export: ('export' in long ? long.export : undefined) ?? 'train',
      ...('epochs' in long && long.epochs !== undefined && { epochs: long.epochs }),
      ...('timeout' in long && long.timeout !== undefined && { timeoutSeconds: long.timeout }),
    },
  };
}

function absolute(path: string, baseDir: string | undefined, field: (string | number)[], problems: PathProblem[]): string {
  if (isAbsolute(path)) return path;
  if (baseDir === undefined) {
    problems.push({
      path: field,
      message: `must be an absolute path when the sweep is not read from a file (a submitted sweep runs on workers that look the path up on their own disks), but got "${path}"`,
    });
    return path;
  }
  return resolve(baseDir, path);
}
