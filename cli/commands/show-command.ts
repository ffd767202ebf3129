import type { TrialStore } from '../../src/store/trial-store.js';
import { openExistingStore } from '../open-existing-store.js';
import { trialDetailJson } from '../../src/views/trial-detail-json.js';
import { outputWidth } from '../output/output-width.js';
import { trialDetailText } from '../output/trial-detail-text.js';
import { studyClassNames } from '../../src/datasets/class-names.js';
import { printJson, printOut } from '../output/terminal.js';
import { memberSchedule } from '../../src/store/segments.js';

export interface ShowFlags {
  db: string;
  json?: boolean;
}

export async function showCommand(name: string, number: number, flags: ShowFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read');
  try {
    const width = outputWidth();
    const output = await showOutput(store, name, number, { ...flags, ...(width !== undefined && { width }) });
    if (flags.json) printJson(output);
    else printOut(output);
  } finally {
    await store.close();
  }
}

/** What `sweeper show` prints (kept apart from the process so that bench:query times it in-process). */
export async function showOutput(
  store: TrialStore,
  name: string,
  number: number,
  options: { json?: boolean; width?: number },
): Promise<string> {
  const study = await store.getStudy(name);
  const trial = await store.getTrial(study.id, number);
  const [repeats, epochs] = await Promise.all([store.getRepeats(trial.id), store.getEpochs(trial.id)]);
  // Only a PBT study has segments: the others are spared the read.
  const schedule = study.definition.scheduler ? memberSchedule(trial, await store.listSegments(study.id)) : [];
  if (options.json) {
    const summary = await store.summariseStudy(study.id);
    return `${JSON.stringify(trialDetailJson(summary, trial, repeats, epochs, studyClassNames(study.definition), schedule), null, 2)}\n`;
  }
  const logRepeats = (await store.getLogs(trial.id)).map((log) => log.repeat);
  return trialDetailText(study, trial, repeats, epochs, { ...options, logRepeats, schedule });
}
