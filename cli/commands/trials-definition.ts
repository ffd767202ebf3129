import { Option, type Command } from 'commander';
import { TRIAL_STATES } from '../../src/core/trial-state.js';
import { columnNames, trialStates } from '../option-parsers.js';
import { dbOption } from '../shared-options.js';
import type { TrialsFlags } from './trials-command.js';

export function defineTrialsCommand(program: Command): void {
  program
    .command('trials')
    .description('every trial of a study, in order, with its state, result and parameters')
    .argument('<study>', 'study name')
    .addOption(dbOption())
    .option(
      '--state <states>',
      `only trials in these states: ${TRIAL_STATES.join(', ')}, in any case; several as complete,pruned or --state again`,
      trialStates,
    )
    .addOption(
      new Option(
        '--columns <names>',
        'show these columns (comma-separated) after trial and the objective, at any width; e.g. state,learning_rate',
      )
        .argParser(columnNames)
        .conflicts(['json', 'csv']),
    )
    .addOption(new Option('--json', 'print JSON (see docs/cli.md, "JSON output")').conflicts('csv'))
    .option('--csv', 'print CSV: the columns and rows of `sweeper export` (parameters as params_<name>), of these trials')
    .action(async (name: string, flags: TrialsFlags) => (await import('./trials-command.js')).trialsCommand(name, flags));
}
