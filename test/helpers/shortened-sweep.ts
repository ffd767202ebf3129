import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

/** The example sweep files of the repository (sweeps/). */
export const SWEEPS_DIR = fileURLToPath(new URL('../../../sweeps/', import.meta.url));

export function sweepFiles(): string[] {
  return readdirSync(SWEEPS_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(SWEEPS_DIR, name));
}

export interface Shortening {
  /** `budget.trials`: a grid without a budget gets one. */
  readonly trials: number;
  /** `training.epochs`, or `synthetic.epochs`. */
  readonly epochs: number;
  /** Another `dataset.dir`, for data that is not on this machine (EMNIST). */
  readonly datasetDir?: string;
}

/**
 * A copy of a sweep file, in `dir` under its own name, that runs in a test's time: only the budget
 * and the epochs change (and PBT's population and interval with them: 2 epochs at least); the dataset and its splits, the model, the sampler, the pruner, early
 * stopping and repeats stay as written, and so do the comments. A relative `dataset.dir` is made
 * absolute, so that the copy reads the same files (and can be sent to a coordinator).
 */
export function shortenSweep(source: string, dir: string, shortening: Shortening): string {
  const doc = parseDocument(readFileSync(source, 'utf8'));
  doc.setIn(['budget', 'trials'], shortening.trials);
  doc.setIn([doc.has('synthetic') ? 'synthetic' : 'training', 'epochs'], shortening.epochs);
  if (doc.has('scheduler')) {
    // PBT: the members are the trials, and a decision point needs an epoch after it.
    doc.setIn(['scheduler', 'population'], shortening.trials);
    doc.setIn(['scheduler', 'interval'], 1);
    doc.setIn(['training', 'epochs'], Math.max(2, shortening.epochs));
  }
  const dataDir: unknown = doc.getIn(['dataset', 'dir']);
  if (shortening.datasetDir !== undefined) doc.setIn(['dataset', 'dir'], shortening.datasetDir);
  else if (typeof dataDir === 'string' && !isAbsolute(dataDir)) doc.setIn(['dataset', 'dir'], resolve(dirname(source), dataDir));
  mkdirSync(dir, { recursive: true });
  const target = join(dir, basename(source));
  writeFileSync(target, doc.toString());
  return target;
}
