import type { Command } from 'commander';
import { nonNegativeInteger } from '../option-parsers.js';
import { dbOption } from '../shared-options.js';
import type { LogsFlags } from './logs-command.js';

export function defineLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("the end of what a trial's runs printed (command: and module: tasks), one log per repeat, as the store keeps it")
    .argument('<study>', 'study name')
    .argument('<trial>', 'trial number', nonNegativeInteger)
    .option('--repeat <r>', 'only this repeat', nonNegativeInteger)
    .addOption(dbOption())
    .action(async (name: string, number: number, flags: LogsFlags) => (await import('./logs-command.js')).logsCommand(name, number, flags));
}
