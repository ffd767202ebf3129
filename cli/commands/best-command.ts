import type { Command } from 'commander';
import { openExistingStore, DEFAULT_DB } from '../open-existing-store.js';
import { positiveInteger } from '../option-parsers.js';
import { studyJson, trialJson } from '../output/trial-json.js';
import { trialsTable } from '../output/trials-table.js';

export function registerBestCommand(program: Command): void {
  program
    .command('best')
    .description('the best configurations of a study, with their objective (mean ± std over repeats), epochs and training time')
    .argument('<study>', 'study name')
    .option('--db <path>', 'trial store (SQLite file)', DEFAULT_DB)
    .option('--top <k>', 'how many configurations', positiveInteger, 5)
    .option('--json', 'print JSON (see README, "JSON output")')
    .action(async (name: string, flags: { db: string; top: number; json?: boolean }) => {
      const store = openExistingStore(flags.db);
      try {
        const study = await store.getStudy(name);
        const best = await store.bestTrials(study.id, flags.top);
        if (flags.json) {
          const summary = await store.summariseStudy(study.id);
          process.stdout.write(`${JSON.stringify({ study: studyJson(summary), trials: best.map(trialJson) }, null, 2)}\n`);
        } else if (best.length === 0) {
          process.stdout.write(`study ${name} has no complete trial yet\n`);
        } else {
          const { metric, direction } = study.definition.objective;
          process.stdout.write(`best ${best.length} of study ${name} by ${metric} (${direction}):\n`);
          process.stdout.write(`${trialsTable(best, { rank: true, metric, paramOrder: Object.keys(study.definition.space) })}\n`);
        }
      } finally {
        await store.close();
      }
    });
}
