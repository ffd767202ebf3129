import Table from 'cli-table3';
import { openExistingStore } from '../open-existing-store.js';
import { studyJson } from '../../src/views/trial-json.js';
import { printJson, printOut } from '../output/terminal.js';

export interface StudiesFlags {
  db: string;
  json?: boolean;
}

export async function studiesCommand(flags: StudiesFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read');
  try {
    const studies = await store.listStudies();
    if (flags.json) {
      printJson(`${JSON.stringify({ studies: studies.map(studyJson) }, null, 2)}\n`);
      return;
    }
    if (studies.length === 0) {
      printOut(`no studies in ${store.path}\n`);
      return;
    }
    const table = new Table({
      head: ['study', 'objective', 'finished', 'running', 'queued', 'complete', 'failed', 'pruned', 'best', 'created'],
      style: { head: [], border: [] },
    });
    for (const study of studies) {
      const c = study.counts;
      const finished = c.COMPLETE + c.FAILED + c.PRUNED;
      table.push([
        study.name,
        `${study.direction} ${study.metric}`,
        study.budget === undefined ? String(finished) : `${finished}/${study.budget}`,
        String(c.RUNNING),
        String(c.QUEUED),
        String(c.COMPLETE),
        String(c.FAILED),
        String(c.PRUNED),
        study.bestValue === undefined ? '-' : study.bestValue.toFixed(4),
        study.createdAt.replace('T', ' ').slice(0, 19),
      ]);
    }
    printOut(`${table.toString()}\n`);
  } finally {
    await store.close();
  }
}
