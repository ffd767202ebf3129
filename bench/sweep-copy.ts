import { writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

/** What bench:sweep may change in a sweep file to make it shorter (a test, a quick look). */
export interface SweepOverrides {
  readonly trials?: number;
  readonly epochs?: number;
}

/**
 * A copy of the sweep file at `path` in `directory`, with the budget and epochs replaced where
 * asked. The copy lives elsewhere, so relative dataset paths are made absolute (as `sweeper run`
 * would resolve them against the original's folder). Without overrides the original is run as is.
 */
export function sweepFileToRun(path: string, text: string, overrides: SweepOverrides, directory: string): string {
  if (overrides.trials === undefined && overrides.epochs === undefined) return path;
  const document = parseDocument(text);
  if (overrides.trials !== undefined) document.setIn(['budget', 'trials'], overrides.trials);
  if (overrides.epochs !== undefined) document.setIn(['training', 'epochs'], overrides.epochs);
  const base = dirname(resolve(path));
  const absolute = (value: unknown): unknown => (typeof value === 'string' && !isAbsolute(value) ? resolve(base, value) : value);
  const dir = document.getIn(['dataset', 'dir']);
  if (dir !== undefined) document.setIn(['dataset', 'dir'], absolute(dir));
  const files = document.getIn(['dataset', 'files'], false) as { toJSON(): unknown } | undefined;
  if (files) {
    const json = files.toJSON() as Record<string, unknown>;
    for (const [key, value] of Object.entries(json))
      document.setIn(['dataset', 'files', key], Array.isArray(value) ? value.map(absolute) : absolute(value));
  }
  const copy = join(directory, 'sweep.yaml');
  writeFileSync(copy, document.toString());
  return copy;
}
