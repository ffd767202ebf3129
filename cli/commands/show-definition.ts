import type { Command } from 'commander';
import { nonNegativeInteger } from '../option-parsers.js';
import { dbOption } from '../shared-options.js';
import type { ShowFlags } from './show-command.js';

export function defineShowCommand(program: Command): void {
  program
    .command('show')
    .description('one trial in full: parameters, state, per-epoch curves, repeats, test evaluation (confusion matrix, per-class scores)')
    .argument('<study>', 'study name')
    .argument('<trial>', 'trial number', nonNegativeInteger)
    .addOption(dbOption())
    .option('--json', 'print JSON (see docs/cli.md, "JSON output")')
    .action(async (name: string, number: number, flags: ShowFlags) => (await import('./show-command.js')).showCommand(name, number, flags));
}
