import type { TrialState } from '../../src/core/trial-state.js';
import { openExistingStore } from '../open-existing-store.js';
import { exportStudy } from '../output/export-study.js';
import { studyJson, trialJson } from '../../src/views/trial-json.js';
import { outputWidth } from '../output/output-width.js';
import { checkColumnNames, trialsTable, type TrialsTableOptions } from '../output/trials-table.js';
import { printJson, printOut } from '../output/terminal.js';

export interface TrialsFlags {
  db: string;
  state?: TrialState[];
  json?: boolean;
  csv?: boolean;
  columns?: string[];
}

export async function trialsCommand(name: string, flags: TrialsFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read');
  try {
    if (flags.csv) {
      // The columns and rows of `export --format csv`, from the same writer.
      await exportStudy(store, name, { format: 'csv', ...(flags.state && { states: flags.state }) }, process.stdout);
      return;
    }
    const study = await store.getStudy(name);
    const width = outputWidth();
    const table: TrialsTableOptions = {
      metric: study.definition.objective.metric,
      paramOrder: Object.keys(study.definition.space),
      ...(width !== undefined && { width }),
      ...(flags.columns !== undefined && { columns: flags.columns }),
    };
    checkColumnNames(table);
    const trials = await store.listTrials(study.id, flags.state ? { states: flags.state } : {});
    if (flags.json) {
      const summary = await store.summariseStudy(study.id);
      printJson(`${JSON.stringify({ study: studyJson(summary), trials: trials.map(trialJson) }, null, 2)}\n`);
    } else if (trials.length === 0) {
      printOut(`study ${name} has no trials${flags.state ? ` in state ${flags.state.join(' or ')}` : ''}\n`);
    } else {
      printOut(`${trialsTable(trials, table)}\n`);
      for (const trial of trials.filter((t) => t.reason !== undefined)) printOut(`trial ${trial.number}: ${trial.reason}\n`);
    }
  } finally {
    await store.close();
  }
}
