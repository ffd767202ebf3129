import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SweeperError } from '../src/errors/sweeper-error.js';

/** dist/dashboard/browser/: dashboard/browser/tsconfig.json compiles the page script there, beside this file's dist/dashboard/. */
const COMPILED = fileURLToPath(new URL('./browser/', import.meta.url));

/** The entry module, which the page shell loads (page-shell.ts) and which imports the others. */
export const PAGE_SCRIPT_ENTRY = 'dashboard.js';

/**
 * The page script's ES modules (dashboard/browser/*.ts, compiled by `npm run build`), by file
 * name: the server serves each as /assets/NAME, where the entry's relative imports find them.
 * Read once, at start.
 */
export function pageScriptModules(dir = COMPILED): ReadonlyMap<string, string> {
  if (!existsSync(join(dir, PAGE_SCRIPT_ENTRY))) {
    throw new SweeperError(
      'FAILED_PRECONDITION',
      `the dashboard's page script is not built: ${join(dir, PAGE_SCRIPT_ENTRY)} is missing`,
      'build it with `npm run build`',
    );
  }
  const names = readdirSync(dir).filter((name) => name.endsWith('.js'));
  return new Map(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}
