import { Option, type Command } from 'commander';
import { collect, columnNames, positiveInteger } from '../option-parsers.js';
import { dbOption } from '../shared-options.js';
import type { BestFlags } from './best-command.js';

export function defineBestCommand(program: Command): void {
  program
    .command('best')
    .description('the best configurations of a study, with their objective (mean ± std over repeats), epochs and training time')
    .argument('<study>', 'study name')
    .addOption(dbOption())
    .option('--top <k>', 'how many configurations (with --group-by: in each group)', positiveInteger, 5)
    .option(
      '--where <condition>',
      'only trials whose parameter NAME=VALUE, or NAME<VALUE (<=, >, >=: numeric parameters); repeatable: values of one name are alternatives, bounds must all hold',
      collect,
    )
    .option('--group-by <name>', 'the best --top configurations for each value of this parameter')
    .addOption(
      new Option(
        '--columns <names>',
        'show these columns (comma-separated) after rank, trial and the objective, at any width; e.g. learning_rate,width',
      )
        .argParser(columnNames)
        .conflicts('json'),
    )
    .option('--json', 'print JSON (see docs/cli.md, "JSON output")')
    .action(async (name: string, flags: BestFlags) => (await import('./best-command.js')).bestCommand(name, flags));
}
