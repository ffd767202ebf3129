import { loadSweepFile } from '../../src/config/load-sweep-file.js';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { studyNameSchema } from '../../src/study/study-options.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { openStore } from '../../src/store/open-store.js';
import { Study } from '../../src/study/study.js';
import { runHere } from './run-here.js';
import type { SessionFlags } from './session-options.js';

export type RunFlags = SessionFlags & { study?: string };

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  if (flags.study !== undefined && !studyNameSchema.safeParse(flags.study).success) {
    throw new InvalidArgumentError(`--study must be a name of letters, digits, "_", "." and "-", but got "${flags.study}"`);
  }
  // Everything is checked before the store is opened: a bad file or missing data writes nothing.
  const { definition, source } = await loadSweepFile(file, { ...(flags.study !== undefined && { studyName: flags.study }) });
  const datasets = new DatasetCache();
  if (definition.task?.type === 'train') await datasets.load(definition.task.dataset);

  const store = await openStore(flags.db, 'write', { ...(flags.checkpoints !== undefined && { checkpoints: flags.checkpoints }) });
  try {
    const study = await Study.createFromDefinition(store, definition, source);
    return await runHere(study, datasets, flags, { file });
  } finally {
    await store.close();
  }
}
