import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerBestCommand } from './commands/best-command.js';
import { registerResumeCommand } from './commands/resume-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerStudiesCommand } from './commands/studies-command.js';
import { registerTrialsCommand } from './commands/trials-command.js';
import { reportError } from './report-error.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('sweeper')
  .description('Distributed, parallel hyperparameter sweeps for neural networks')
  .version(version)
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

registerRunCommand(program);
registerResumeCommand(program);
registerBestCommand(program);
registerTrialsCommand(program);
registerStudiesCommand(program);

for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
