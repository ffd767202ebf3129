import type { Command } from 'commander';
import { nonNegativeInteger } from '../option-parsers.js';
import { dbOption } from '../shared-options.js';
import { addConnectionOptions } from './connection-options.js';
import type { LogsFlags } from './logs-command.js';
import type { LogsFollowFlags } from './logs-follow-command.js';

export function defineLogsCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('logs')
      .description(
        "the end of what a trial's runs printed (command: and module: tasks), one log per repeat, as the store keeps it; with --follow, a running trial's output as it comes, from its worker",
      )
      .argument('<study>', 'study name')
      .argument('<trial>', 'trial number', nonNegativeInteger)
      .option('--repeat <r>', 'only this repeat', nonNegativeInteger)
      .option('--follow', "print the running trial's output as it is written, from its worker through --coordinator, until the run ends")
      .addOption(dbOption()),
  ).action(async (name: string, number: number, flags: LogsFlags & LogsFollowFlags & { follow?: boolean }) => {
    if (flags.follow) process.exitCode = await (await import('./logs-follow-command.js')).logsFollowCommand(name, number, flags);
    else await (await import('./logs-command.js')).logsCommand(name, number, flags);
  });
}
