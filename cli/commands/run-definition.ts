import type { Command } from 'commander';
import type { RunFlags } from './run-command.js';
import { addSessionOptions } from './session-options.js';

export function defineRunCommand(program: Command): void {
  addSessionOptions(
    program
      .command('run')
      .description('run a sweep file on this machine: an embedded coordinator and a pool of threads')
      .argument('<file>', 'sweep file (YAML), e.g. sweeps/quickstart.yaml')
      .option('--study <name>', "name of the new study (default: the file's `study:`)"),
  ).action(async (file: string, flags: RunFlags) => {
    process.exitCode = await (await import('./run-command.js')).runCommand(file, flags);
  });
}
