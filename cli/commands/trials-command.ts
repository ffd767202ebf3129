import { Option, type Command } from 'commander';
import { TRIAL_STATES, type TrialState } from '../../src/study/trial-state.js';
import { DEFAULT_DB, openExistingStore } from '../open-existing-store.js';
import { trialsCsv } from '../output/trials-csv.js';
import { studyJson, trialJson } from '../output/trial-json.js';
import { trialsTable } from '../output/trials-table.js';

export function registerTrialsCommand(program: Command): void {
  program
    .command('trials')
    .description('every trial of a study, in order, with its state, result and parameters')
    .argument('<study>', 'study name')
    .option('--db <path>', 'trial store (SQLite file)', DEFAULT_DB)
    .addOption(new Option('--state <state...>', 'only trials in these states').choices(TRIAL_STATES))
    .addOption(new Option('--json', 'print JSON (see README, "JSON output")').conflicts('csv'))
    .option('--csv', 'print CSV, one row per trial, parameters as params_<name> columns')
    .action(async (name: string, flags: { db: string; state?: TrialState[]; json?: boolean; csv?: boolean }) => {
      const store = openExistingStore(flags.db);
      try {
        const study = await store.getStudy(name);
        const trials = await store.listTrials(study.id, flags.state ? { states: flags.state } : {});
        if (flags.json) {
          const summary = await store.summariseStudy(study.id);
          process.stdout.write(`${JSON.stringify({ study: studyJson(summary), trials: trials.map(trialJson) }, null, 2)}\n`);
        } else if (flags.csv) {
          process.stdout.write(trialsCsv(trials));
        } else if (trials.length === 0) {
          process.stdout.write(`study ${name} has no trials${flags.state ? ` in state ${flags.state.join(' or ')}` : ''}\n`);
        } else {
          process.stdout.write(`${trialsTable(trials, { metric: study.definition.objective.metric, paramOrder: Object.keys(study.definition.space) })}\n`);
          for (const trial of trials.filter((t) => t.reason !== undefined)) process.stdout.write(`trial ${trial.number}: ${trial.reason}\n`);
        }
      } finally {
        await store.close();
      }
    });
}
