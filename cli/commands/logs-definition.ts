import type { Command } from 'commander';
import { nonNegativeInteger } from '../option-parsers.js';
import { addConnectionOptions } from './connection-options.js';
import type { LogsFollowFlags } from './logs-follow-command.js';

export function defineLogsCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('logs')
      .description("what a trial's runs print (command: tasks): with --follow, a running trial's output as it comes, from its worker")
      .argument('<study>', 'study name')
      .argument('<trial>', 'trial number', nonNegativeInteger)
      .option('--repeat <r>', 'only this repeat', nonNegativeInteger)
      .option('--follow', "print the running trial's output as it is written, from its worker through --coordinator, until the run ends"),
  ).action(async (name: string, number: number, flags: LogsFollowFlags & { follow?: boolean }) => {
    process.exitCode = await (await import('./logs-follow-command.js')).logsFollowCommand(name, number, flags);
  });
}
