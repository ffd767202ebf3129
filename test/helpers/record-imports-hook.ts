import { appendFileSync } from 'node:fs';
import type { ResolveHook } from 'node:module';

/**
 * Runs on the module loader's thread: every import the process resolves (static or `await
 * import()`, ours or a package's entry point) is appended as a URL, one a line. A package's own
 * `require` calls are not seen, but the import that loads the package is.
 */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const result = await nextResolve(specifier, context);
  const file = process.env.RECORD_IMPORTS_TO;
  if (file !== undefined) appendFileSync(file, `${result.url}\n`);
  return result;
};
