import type { Command } from 'commander';
import { loadSweepFile } from '../../src/config/load-sweep-file.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { studyNameSchema } from '../../src/study/study-options.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { Study } from '../../src/study/study.js';
import { DEFAULT_DB } from '../open-existing-store.js';
import { runHere } from './run-here.js';
import { addSessionOptions, type SessionFlags } from './session-options.js';

export function registerRunCommand(program: Command): void {
  addSessionOptions(
    program
      .command('run')
      .description('run a sweep file on this machine: an embedded coordinator and a pool of threads')
      .argument('<file>', 'sweep file (YAML), e.g. sweeps/quickstart.yaml')
      .option('--study <name>', "name of the new study (default: the file's `study:`)"),
    DEFAULT_DB,
  ).action(async (file: string, flags: SessionFlags & { study?: string }) => {
    process.exitCode = await runCommand(file, flags);
  });
}

async function runCommand(file: string, flags: SessionFlags & { study?: string }): Promise<number> {
  if (flags.study !== undefined && !studyNameSchema.safeParse(flags.study).success) {
    throw new InvalidArgumentError(`--study must be a name of letters, digits, "_", "." and "-", but got "${flags.study}"`);
  }
  // Everything is checked before the store is opened: a bad file or missing data writes nothing.
  const { definition, source } = await loadSweepFile(file, { ...(flags.study !== undefined && { studyName: flags.study }) });
  const datasets = new DatasetCache();
  if (definition.task?.type === 'train') await datasets.load(definition.task.dataset);

  const store = SqliteTrialStore.open(flags.db);
  try {
    const study = await Study.createFromDefinition(store, definition, source);
    return await runHere(study, datasets, flags, { file });
  } finally {
    await store.close();
  }
}
