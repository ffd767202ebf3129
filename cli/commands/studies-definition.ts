import type { Command } from 'commander';
import { dbOption } from '../shared-options.js';
import type { StudiesFlags } from './studies-command.js';

export function defineStudiesCommand(program: Command): void {
  program
    .command('studies')
    .description('the studies in a trial store, with their progress and best value')
    .addOption(dbOption())
    .option('--json', 'print JSON (see docs/cli.md, "JSON output")')
    .action(async (flags: StudiesFlags) => (await import('./studies-command.js')).studiesCommand(flags));
}
