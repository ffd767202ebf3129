import { Command } from 'commander';
import { defineBestCommand } from './commands/best-definition.js';
import { defineCoordinatorCommand } from './commands/coordinator-definition.js';
import { defineDashboardCommand } from './commands/dashboard-definition.js';
import { defineExportCommand } from './commands/export-definition.js';
import { defineExportModelCommand } from './commands/export-model-definition.js';
import { defineReportCommand } from './commands/report-definition.js';
import { defineResumeCommand } from './commands/resume-definition.js';
import { defineRunCommand } from './commands/run-definition.js';
import { defineShowCommand } from './commands/show-definition.js';
import { defineLogsCommand } from './commands/logs-definition.js';
import { defineMigrateCommand } from './commands/migrate-definition.js';
import { defineStatusCommand } from './commands/status-definition.js';
import { defineStudiesCommand } from './commands/studies-definition.js';
import { defineSubmitCommand } from './commands/submit-definition.js';
import { defineTrialsCommand } from './commands/trials-definition.js';
import { defineWorkerCommand } from './commands/worker-definition.js';
import { printErr, printOut } from './output/terminal.js';
import { reportError } from './report-error.js';
import { softwareVersion } from './software-version.js';

// Each command is defined here by its name and options only (commands/*-definition.ts); its code,
// with gRPC, SQLite, the logger and the rest, is imported when it runs. So `--version`, `--help`
// and a mistyped option answer at once, and `best` loads the store but not gRPC.
const program = new Command()
  .name('sweeper')
  .description('Distributed, parallel hyperparameter sweeps for neural networks')
  .version(softwareVersion())
  .exitOverride()
  // Commander repeats what was typed ("unknown option ..."): shown like the rest of the output.
  .configureOutput({ writeOut: printOut, writeErr: printErr })
  .showHelpAfterError('(run with --help for usage)');

defineRunCommand(program);
defineResumeCommand(program);
defineBestCommand(program);
defineTrialsCommand(program);
defineShowCommand(program);
defineLogsCommand(program);
defineExportCommand(program);
defineExportModelCommand(program);
defineStudiesCommand(program);
defineReportCommand(program);
defineCoordinatorCommand(program);
defineWorkerCommand(program);
defineSubmitCommand(program);
defineStatusCommand(program);
defineDashboardCommand(program);
defineMigrateCommand(program);

for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
