import type { LevelWithSilent, Logger } from 'pino';
import { Coordinator } from '../../coordinator/coordinator.js';
import { Leadership } from '../../coordinator/leadership.js';
import { checkDashboardListen } from '../../dashboard/dashboard-listen.js';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { readTokenFile } from '../../src/rpc/auth-token.js';
import { isLoopback, parseHostPort } from '../../src/rpc/host-port.js';
import { openStore, shownLocation } from '../../src/store/open-store.js';
import type { CoordinatorLease } from '../../src/store/postgres/coordinator-lease.js';
import type { StudyOwner } from '../../src/store/records.js';
import { visibleControls } from '../../src/logging/visible-controls.js';
import { EXIT } from '../exit-codes.js';
import { printErr, printOut } from '../output/terminal.js';
import { thisProcess } from '../process-owner.js';
import { takeOverWarning } from '../take-over-warning.js';

export interface CoordinatorFlags {
  db: string;
  checkpoints?: string;
  listen: string;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  insecure?: boolean;
  dashboard?: string;
  leaseTimeout: number;
  leaderLease: number;
  maxAttempts: number;
  maxConnections: number;
  authTimeout: number;
  drainTimeout: number;
  takeOver?: boolean;
  logFile?: string;
  logLevel: LevelWithSilent;
}

export async function coordinatorCommand(flags: CoordinatorFlags): Promise<number> {
  const listen = parseHostPort(flags.listen, '--listen');
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    throw new InvalidArgumentError('--tls-cert and --tls-key must be given together');
  if (flags.tlsCa !== undefined && flags.tlsCert === undefined)
    throw new InvalidArgumentError('--tls-ca (mutual TLS) needs --tls-cert and --tls-key');
  if (flags.leaseTimeout < 100)
    throw new InvalidArgumentError(`--lease-timeout must be at least 0.1 seconds, but got ${flags.leaseTimeout / 1000}`);
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
  if (dashboardListen !== undefined)
    checkDashboardListen(dashboardListen, '--dashboard', flags.dashboard ?? '', token, flags.insecure === true);
  const tls =
    flags.tlsCert !== undefined && flags.tlsKey !== undefined
      ? { cert: flags.tlsCert, key: flags.tlsKey, ...(mutualTls && { ca: flags.tlsCa }) }
      : undefined;
  const logger = createLogger({ ...(flags.logFile !== undefined && { file: flags.logFile }), level: flags.logLevel });

  const store = await openStore(flags.db, 'write', {
    ...(flags.checkpoints !== undefined && { checkpoints: flags.checkpoints }),
    onWait: (reason) => logger.warn({ db: shownLocation(flags.db) }, reason),
  });
  const owner = thisProcess('coordinator');
  let leadership: Leadership | undefined;
  if (store.lease !== undefined) {
    leadership = await lead(store.lease, owner, flags, logger);
    if (leadership === undefined) {
      await store.close();
      printOut('standby stopped\n');
      return EXIT.OK;
    }
    printOut(`leading ${shownLocation(flags.db)} (lease token ${leadership.token})\n`);
  }
  let coordinator: Coordinator;
  try {
    coordinator = await Coordinator.start({
      store,
      listen,
      logger,
      owner,
      takeOver: flags.takeOver === true,
      onTakeOver: (study, previous) => printErr(takeOverWarning(study, previous)),
      leaseMs: flags.leaseTimeout,
      maxAttempts: flags.maxAttempts,
      connectionLimits: { maxConnections: flags.maxConnections, authTimeoutMs: flags.authTimeout },
      ...(token !== undefined && { token }),
      ...(tls !== undefined && { tls }),
    });
  } catch (error) {
    await leadership?.release();
    await store.close();
    throw error;
  }
  let dashboard: DashboardServer | undefined;
  if (dashboardListen !== undefined) {
    try {
      dashboard = await DashboardServer.start({
        store,
        listen: dashboardListen,
        logger,
        liveStatus: () => coordinator.status(),
        ...(token !== undefined && { token }),
      });
    } catch (error) {
      await coordinator.drain(0);
      await store.close();
      throw error;
    }
  }
  printOut(`coordinator listening on ${coordinator.address} (store ${shownLocation(flags.db)})\n`);
  if (dashboard) printOut(`dashboard on ${dashboard.url}${token === undefined ? '' : ' (open it once with ?token=TOKEN)'}\n`);
  if (coordinator.resumed.length > 0) printOut(`resumed studies: ${coordinator.resumed.join(', ')}\n`);

  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (++signals > 1) {
        printErr('quitting now; running trials are re-queued when a coordinator starts on this store\n');
        process.exit(EXIT.INTERRUPTED);
      }
      printErr(`${signal}: draining; running trials get ${flags.drainTimeout / 1000} s to finish (again to quit now)\n`);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const lost = leadership?.lost ?? new Promise<string>(() => undefined);
  const ended = await Promise.race([stopped.then((signal) => ({ signal })), lost.then((reason) => ({ lost: reason }))]);
  if ('lost' in ended) {
    // Another coordinator leads: the store refuses this one's writes already. Stop at once,
    // without draining (a drain would write); the workers go over to the leader.
    printErr(`lost the lead of ${shownLocation(flags.db)}: ${ended.lost}; stopping (the leader carries the studies on)\n`);
    coordinator.forceClose();
    await dashboard?.close();
    await store.close();
    return EXIT.FAILURE;
  }
  logger.info({ signal: ended.signal }, 'draining');
  try {
    await dashboard?.close();
    await coordinator.drain(flags.drainTimeout);
    await leadership?.release();
  } finally {
    await store.close();
  }
  printOut('coordinator stopped\n');
  return EXIT.OK;
}

/**
 * Takes the lead of a PostgreSQL store, waiting as a standby while another coordinator holds it;
 * undefined if stopped (SIGINT, SIGTERM) while waiting.
 */
async function lead(lease: CoordinatorLease, owner: StudyOwner, flags: CoordinatorFlags, logger: Logger): Promise<Leadership | undefined> {
  const waiting = new AbortController();
  const stop = (): void => waiting.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await Leadership.take(
      {
        lease,
        owner,
        address: flags.listen,
        ttlMs: flags.leaderLease,
        logger,
        onStandby: (leader) =>
          printOut(
            `standby: ${visibleControls(leader.holder.id)} (listening on ${visibleControls(leader.address)}) leads ${shownLocation(flags.db)}; taking over if it stops\n`,
          ),
      },
      waiting.signal,
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
