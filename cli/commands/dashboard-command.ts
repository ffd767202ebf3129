import type { LevelWithSilent } from 'pino';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { checkDashboardListen } from '../../dashboard/dashboard-listen.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { readTokenFile } from '../../src/rpc/auth-token.js';
import { parseHostPort } from '../../src/rpc/host-port.js';
import { EXIT } from '../exit-codes.js';
import { openExistingStore } from '../open-existing-store.js';
import { printOut } from '../output/terminal.js';

export interface DashboardFlags {
  db: string;
  listen: string;
  tokenFile?: string;
  insecure?: boolean;
  logFile?: string;
  logLevel: LevelWithSilent;
}

export async function dashboardCommand(flags: DashboardFlags): Promise<number> {
  const listen = parseHostPort(flags.listen, '--listen');
  const token = flags.tokenFile === undefined ? undefined : readTokenFile(flags.tokenFile, '--token-file');
  checkDashboardListen(listen, '--listen', flags.listen, token, flags.insecure === true);
  const store = await openExistingStore(flags.db, 'read');
  const logger = createLogger({ ...(flags.logFile !== undefined && { file: flags.logFile }), level: flags.logLevel });
  let dashboard: DashboardServer;
  try {
    dashboard = await DashboardServer.start({ store, listen, logger, ...(token !== undefined && { token }) });
  } catch (error) {
    await store.close();
    throw error;
  }
  printOut(`dashboard on ${dashboard.url} (store ${store.path}${token === undefined ? '' : '; open it once with ?token=TOKEN'})\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info({ signal }, 'dashboard stopping');
  await dashboard.close();
  await store.close();
  printOut('dashboard stopped\n');
  return EXIT.OK;
}
