import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Modules imported by this thread, by URL. Kept for the thread's life: users expect a module's
 * top-level setup (loading data, starting a backend) to run once per thread, not once per trial.
 */
const imported = new Map<string, Promise<Record<string, unknown>>>();

/**
 * The function `exportName` of a user's module. A path (absolute, or starting with `.`, taken
 * from `resolveFrom`) is imported as a file; anything else is a package name, resolved with
 * Node's CommonJS resolution (`createRequire(...).resolve`) from `resolveFrom`'s node_modules,
 * which `import.meta.resolve` cannot do from another folder without a flag in Node 20. A package
 * therefore needs a `require` or `default` condition in its exports, or a plain `main`.
 */
export async function loadUserFunction(module: string, exportName: string, resolveFrom: string): Promise<(...args: unknown[]) => unknown> {
  const url = moduleUrl(module, resolveFrom);
  let loading = imported.get(url);
  if (!loading) {
    loading = import(url) as Promise<Record<string, unknown>>;
    imported.set(url, loading);
    // A failed import is not cached: the user may fix the file between trials.
    loading.catch(() => imported.delete(url));
  }
  const namespace = await loading;
  const fn = namespace[exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(namespace);
    throw new TypeError(
      `module ${module} must export a function ${exportName}, but ${names.length > 0 ? `exports: ${names.join(', ')}` : 'exports nothing'}`,
    );
  }
  return fn as (...args: unknown[]) => unknown;
}

function moduleUrl(module: string, resolveFrom: string): string {
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (module.startsWith('.')) return pathToFileURL(resolve(resolveFrom, module)).href;
  let path: string;
  try {
    path = createRequire(join(resolveFrom, 'noop.js')).resolve(module);
  } catch (error) {
    throw new Error(
      `module ${module} must be a package installed under ${resolveFrom}, but it cannot be resolved: ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
  return pathToFileURL(path).href;
}
