import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionFlags } from './connection-options.js';

export function defineStatusCommand(program: Command): void {
  addConnectionOptions(
    program.command('status').description("a coordinator's live workers, running trials and studies").option('--json', 'print JSON'),
  ).action(async (flags: ConnectionFlags & { json?: boolean }) => (await import('./status-command.js')).statusCommand(flags));
}
