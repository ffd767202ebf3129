import type { Command } from 'commander';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
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
    if (!flags.follow) throw new InvalidArgumentError("sweeper logs: give --follow (a running trial's output, from its worker)");
    process.exitCode = await (await import('./logs-follow-command.js')).logsFollowCommand(name, number, flags);
  });
}
