import { readFileSync } from 'node:fs';

let version: string | undefined;

/** This package's version, from package.json (dist/cli/ is two levels below it). */
export function softwareVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
