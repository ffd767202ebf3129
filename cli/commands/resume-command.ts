import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { Study } from '../../src/study/study.js';
import { openExistingStore } from '../open-existing-store.js';
import { runHere } from './run-here.js';
import type { SessionFlags } from './session-options.js';

export async function resumeCommand(name: string, flags: SessionFlags): Promise<number> {
  const store = await openExistingStore(flags.db, 'write', { ...(flags.checkpoints !== undefined && { checkpoints: flags.checkpoints }) });
  try {
    const study = await Study.open(store, name);
    if (!study.definition.task) {
      throw new InvalidArgumentError(
        `study "${name}" has no training task: it was created through the ask/tell API, which runs its trials in your own code`,
        'continue it with Study.open(store, name) and study.ask() / study.tell()',
      );
    }
    const datasets = new DatasetCache();
    // The definition comes from the store, not the file: resume needs nothing else.
    if (study.definition.task.type === 'train') await datasets.load(study.definition.task.dataset);
    return await runHere(study, datasets, flags, { resumed: true });
  } finally {
    await store.close();
  }
}
