import { Command } from 'commander';
import { registerBestCommand } from './commands/best-command.js';
import { registerExportCommand } from './commands/export-command.js';
import { registerReportCommand } from './commands/report-command.js';
import { registerResumeCommand } from './commands/resume-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerShowCommand } from './commands/show-command.js';
import { registerStudiesCommand } from './commands/studies-command.js';
import { registerTrialsCommand } from './commands/trials-command.js';
import { registerCoordinatorCommand } from './commands/coordinator-command.js';
import { registerDashboardCommand } from './commands/dashboard-command.js';
import { registerStatusCommand } from './commands/status-command.js';
import { registerSubmitCommand } from './commands/submit-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import { reportError } from './report-error.js';
import { softwareVersion } from './software-version.js';


const program = new Command()
  .name('sweeper')
  .description('Distributed, parallel hyperparameter sweeps for neural networks')
  .version(softwareVersion())
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

registerRunCommand(program);
registerResumeCommand(program);
registerBestCommand(program);
registerTrialsCommand(program);
registerShowCommand(program);
registerExportCommand(program);
registerStudiesCommand(program);
registerReportCommand(program);
registerCoordinatorCommand(program);
registerWorkerCommand(program);
registerSubmitCommand(program);
registerStatusCommand(program);
registerDashboardCommand(program);

for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
