import type { Command } from 'commander';
import { addConnectionOptions } from './connection-options.js';
import type { SubmitFlags } from './submit-command.js';

export function defineSubmitCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('submit')
      .description('start a sweep file as a study on a running coordinator, whose workers run it')
      .argument('<file>', 'sweep file (YAML), e.g. sweeps/quickstart.yaml')
      .option('--study <name>', "name of the new study (default: the file's `study:`)")
      .option('--json', 'print the result as JSON'),
  ).action(async (file: string, flags: SubmitFlags) => {
    process.exitCode = await (await import('./submit-command.js')).submitCommand(file, flags);
  });
}
