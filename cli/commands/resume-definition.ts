import type { Command } from 'commander';
import { takeOverOption } from '../shared-options.js';
import { addSessionOptions, type SessionFlags } from './session-options.js';

export function defineResumeCommand(program: Command): void {
  addSessionOptions(
    program
      .command('resume')
      .description('continue an interrupted study to its budget; finished trials are not run again')
      .argument('<study>', 'study name (see `sweeper studies`)'),
  )
    .addOption(takeOverOption())
    .action(async (name: string, flags: SessionFlags) => {
      process.exitCode = await (await import('./resume-command.js')).resumeCommand(name, flags);
    });
}
