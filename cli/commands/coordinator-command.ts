import { Option, type Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { Coordinator, DEFAULT_LEASE_MS } from '../../coordinator/coordinator.js';
import { checkDashboardListen } from '../../dashboard/dashboard-listen.js';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { DEFAULT_MAX_ATTEMPTS } from '../../coordinator/sweep-runner.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { readTokenFile } from '../../src/rpc/auth-token.js';
import { isLoopback, parseHostPort } from '../../src/rpc/host-port.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { EXIT } from '../exit-codes.js';
import { DEFAULT_DB } from '../open-existing-store.js';
import { positiveInteger, seconds } from '../option-parsers.js';
import { isAlive, thisProcess } from '../process-owner.js';
import { DEFAULT_COORDINATOR } from './connection-options.js';

interface CoordinatorFlags {
  db: string;
  listen: string;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  insecure?: boolean;
  dashboard?: string;
  leaseTimeout: number;
  maxAttempts: number;
  drainTimeout: number;
  logFile?: string;
  logLevel: LevelWithSilent;
}

export function registerCoordinatorCommand(program: Command): void {
  program
    .command('coordinator')
    .description('serve studies to workers over gRPC: owns the search and the trial store')
    .option('--db <path>', 'trial store (SQLite file)', DEFAULT_DB)
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free one', DEFAULT_COORDINATOR)
    .option('--token-file <path>', 'require this shared token (the file\'s first line) on every call')
    .option('--tls-cert <path>', 'serve TLS with this certificate (PEM)')
    .option('--tls-key <path>', 'and this private key (PEM)')
    .option('--tls-ca <path>', 'require client certificates signed by this CA (mutual TLS)')
    .option('--insecure', 'allow a non-loopback --listen (or --dashboard) without a token or mutual TLS')
    .option('--dashboard <host:port>', 'also serve the read-only live dashboard (HTTP) here, workers page included; the token applies')
    .option('--lease-timeout <seconds>', 'a worker silent this long loses its trials', seconds, DEFAULT_LEASE_MS)
    .option('--max-attempts <n>', 'lost attempts (worker dead or silent) before a trial is FAILED; stops and drains do not count', positiveInteger, DEFAULT_MAX_ATTEMPTS)
    .option('--drain-timeout <seconds>', 'on SIGTERM, how long running trials get to finish before going back to the queue', seconds, 30_000)
    .option('--log-file <path>', 'write JSON logs here (default: standard error)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'))
    .action(async (flags: CoordinatorFlags) => {
      process.exitCode = await coordinatorCommand(flags);
    });
}

async function coordinatorCommand(flags: CoordinatorFlags): Promise<number> {
  const listen = parseHostPort(flags.listen, '--listen');
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new InvalidArgumentError('--tls-cert and --tls-key must be given together');
  if (flags.tlsCa !== undefined && flags.tlsCert === undefined) throw new InvalidArgumentError('--tls-ca (mutual TLS) needs --tls-cert and --tls-key');
  if (flags.leaseTimeout < 100) throw new InvalidArgumentError(`--lease-timeout must be at least 0.1 seconds, but got ${flags.leaseTimeout / 1000}`);
  const token = flags.tokenFile === undefined ? undefined : readTokenFile(flags.tokenFile, '--token-file');
  const mutualTls = flags.tlsCa !== undefined;
  if (!isLoopback(listen.host) && token === undefined && !mutualTls && !flags.insecure) {
    throw new InvalidArgumentError(
      `--listen ${flags.listen} can be reached from other machines, and nothing would stop anyone who reaches it`,
      'give --token-file (and --tls-cert/--tls-key), or mutual TLS with --tls-ca; or --insecure on a network you trust',
    );
  }
  const dashboardListen = flags.dashboard === undefined ? undefined : parseHostPort(flags.dashboard, '--dashboard');
  // The dashboard has no TLS: mutual TLS does not guard it, only the token does.
  if (dashboardListen !== undefined) checkDashboardListen(dashboardListen, '--dashboard', flags.dashboard ?? '', token, flags.insecure === true);
  const tls = flags.tlsCert !== undefined && flags.tlsKey !== undefined ? { cert: flags.tlsCert, key: flags.tlsKey, ...(mutualTls && { ca: flags.tlsCa }) } : undefined;
  const logger = createLogger({ ...(flags.logFile !== undefined && { file: flags.logFile }), level: flags.logLevel });

  const store = SqliteTrialStore.open(flags.db);
  let coordinator: Coordinator;
  try {
    coordinator = await Coordinator.start({
      store,
      listen,
      logger,
      owner: thisProcess('coordinator'),
      isAlive,
      leaseMs: flags.leaseTimeout,
      maxAttempts: flags.maxAttempts,
      ...(token !== undefined && { token }),
      ...(tls !== undefined && { tls }),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  let dashboard: DashboardServer | undefined;
  if (dashboardListen !== undefined) {
    try {
      dashboard = await DashboardServer.start({ store, listen: dashboardListen, logger, liveStatus: () => coordinator.status(), ...(token !== undefined && { token }) });
    } catch (error) {
      await coordinator.drain(0);
      await store.close();
      throw error;
    }
  }
  process.stdout.write(`coordinator listening on ${coordinator.address} (store ${flags.db})\n`);
  if (dashboard) process.stdout.write(`dashboard on ${dashboard.url}${token === undefined ? '' : ' (open it once with ?token=TOKEN)'}\n`);
  if (coordinator.resumed.length > 0) process.stdout.write(`resumed studies: ${coordinator.resumed.join(', ')}\n`);

  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (++signals > 1) {
        process.stderr.write('quitting now; running trials are re-queued when a coordinator starts on this store\n');
        process.exit(EXIT.INTERRUPTED);
      }
      process.stderr.write(`${signal}: draining; running trials get ${flags.drainTimeout / 1000} s to finish (again to quit now)\n`);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const signal = await stopped;
  logger.info({ signal }, 'draining');
  try {
    await dashboard?.close();
    await coordinator.drain(flags.drainTimeout);
  } finally {
    await store.close();
  }
  process.stdout.write('coordinator stopped\n');
  return EXIT.OK;
}
