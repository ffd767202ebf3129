import type { Command } from 'commander';
import { DEFAULT_DASHBOARD } from '../../dashboard/dashboard-listen.js';
import { dbOption, logFileOption, logLevelOption, tokenFileOption } from '../shared-options.js';
import type { DashboardFlags } from './dashboard-command.js';

export function defineDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve a read-only live dashboard of a trial store over HTTP')
    .addOption(dbOption())
    .option('--listen <host:port>', 'address to serve on; port 0 picks a free one', DEFAULT_DASHBOARD)
    .addOption(tokenFileOption("require this token (the file's first line): open http://HOST:PORT/?token=TOKEN once"))
    .option(
      '--insecure',
      "serve a non-loopback --listen without a token: anyone who reaches it reads every study (the Host check stays: IP addresses, loopback names and this machine's name only)",
    )
    .addOption(logFileOption())
    .addOption(logLevelOption('warn'))
    .action(async (flags: DashboardFlags) => {
      process.exitCode = await (await import('./dashboard-command.js')).dashboardCommand(flags);
    });
}
