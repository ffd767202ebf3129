import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The browser builds, in load order: vega-lite needs the global `vega`, vega-embed both. */
const LIBRARIES = [
  { name: 'vega', file: 'vega.min.js' },
  { name: 'vega-lite', file: 'vega-lite.min.js' },
  { name: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

let cached: string | undefined;

/**
 * `<script>` tags holding vega, vega-lite and vega-embed themselves, so that a report opens with
 * no network. Read from node_modules on first use (not on import: the library has no side
 * effects on import) and kept.
 */
export function chartLibraryScripts(): string {
  cached ??= LIBRARIES.map(({ name, file }) => {
    const source = readFileSync(libraryPath(name, file), 'utf8');
    // A literal "</script" inside the code would end the tag early; "<\/" means the same in JS.
    return `<script data-library="${name}">\n${source.replace(/<\/script/gi, '<\\/script')}\n</script>`;
  }).join('\n');
  return cached;
}

/** Versions of the inlined libraries, for the report's footer. */
export function chartLibraryVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const { name } of LIBRARIES) {
    const manifest = JSON.parse(readFileSync(join(packageRoot(name), 'package.json'), 'utf8')) as { version: string };
    versions[name] = manifest.version;
  }
  return versions;
}

function libraryPath(name: string, file: string): string {
  return join(packageRoot(name), 'build', file);
}

/** The packages export only their module entry, so find the folder from it: every entry is under build/. */
function packageRoot(name: string): string {
  const entry = createRequire(import.meta.url).resolve(name);
  return dirname(dirname(entry));
}
