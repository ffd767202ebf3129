import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first python3 that has PyTorch: PATH's, else Debian's (python3-torch installs for /usr/bin/python3). */
export function pythonWithTorch(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

/**
 * A PATH on which `python3` is `python` (one with PyTorch), for processes that run a sweep file's
 * `command: [python3, ...]` as written: a machine's python3 (pyenv's here) may lack PyTorch that
 * Debian's has.
 */
export function pathWithPython(dir: string, python: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const resolved = spawnSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(resolved, join(bin, 'python3'));
  return `${bin}${delimiter}${process.env.PATH ?? ''}`;
}
