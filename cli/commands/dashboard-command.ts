import { Option, type Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { checkDashboardListen, DEFAULT_DASHBOARD } from '../../dashboard/dashboard-listen.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { readTokenFile } from '../../src/rpc/auth-token.js';
import { parseHostPort } from '../../src/rpc/host-port.js';
import { EXIT } from '../exit-codes.js';
import { DEFAULT_DB, openExistingStore } from '../open-existing-store.js';

interface DashboardFlags {
  db: string;
  listen: string;
  tokenFile?: string;
  insecure?: boolean;
  logFile?: string;
  logLevel: LevelWithSilent;
}

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve a read-only live dashboard of a trial store over HTTP')
    .option('--db <path>', 'trial store (SQLite file)', DEFAULT_DB)
    .option('--listen <host:port>', 'address to serve on; port 0 picks a free one', DEFAULT_DASHBOARD)
    .option('--token-file <path>', "require this token (the file's first line): open http://HOST:PORT/?token=TOKEN once")
    .option('--insecure', 'allow a non-loopback --listen without a token')
    .option('--log-file <path>', 'write JSON logs here (default: standard error)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('warn'))
    .action(async (flags: DashboardFlags) => {
      process.exitCode = await dashboardCommand(flags);
    });
}

async function dashboardCommand(flags: DashboardFlags): Promise<number> {
  const listen = parseHostPort(flags.listen, '--listen');
  const token = flags.tokenFile === undefined ? undefined : readTokenFile(flags.tokenFile, '--token-file');
  checkDashboardListen(listen, '--listen', flags.listen, token, flags.insecure === true);
  const store = openExistingStore(flags.db);
  const logger = createLogger({ ...(flags.logFile !== undefined && { file: flags.logFile }), level: flags.logLevel });
  let dashboard: DashboardServer;
  try {
    dashboard = await DashboardServer.start({ store, listen, logger, ...(token !== undefined && { token }) });
  } catch (error) {
    await store.close();
    throw error;
  }
  process.stdout.write(`dashboard on ${dashboard.url} (store ${flags.db}${token === undefined ? '' : '; open it once with ?token=TOKEN'})\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info({ signal }, 'dashboard stopping');
  await dashboard.close();
  await store.close();
  process.stdout.write('dashboard stopped\n');
  return EXIT.OK;
}
