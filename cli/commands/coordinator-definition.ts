import type { Command } from 'commander';
import { positiveInteger } from '../option-parsers.js';
import {
  DEFAULT_DRAIN_SECONDS,
  checkpointsOption,
  dbOption,
  logFileOption,
  logLevelOption,
  secondsOption,
  takeOverOption,
  tokenFileOption,
} from '../shared-options.js';
import { DEFAULT_COORDINATOR } from './connection-options.js';
import type { CoordinatorFlags } from './coordinator-command.js';

/**
 * The coordinator's own defaults (DEFAULT_LEASE_MS, DEFAULT_MAX_ATTEMPTS in coordinator/), repeated
 * here because importing them would load the coordinator to print --help; a test compares them.
 */
const LEASE_TIMEOUT_SECONDS = 15;
const MAX_ATTEMPTS = 3;
/** DEFAULT_CONNECTION_LIMITS (coordinator/connection-guard.ts). */
const MAX_CONNECTIONS = 4096;
const AUTH_TIMEOUT_SECONDS = 10;
const LEADER_LEASE_SECONDS = 10;

export function defineCoordinatorCommand(program: Command): void {
  program
    .command('coordinator')
    .description('serve studies to workers over gRPC: owns the search and the trial store')
    .addOption(dbOption())
    .addOption(checkpointsOption())
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free one', DEFAULT_COORDINATOR)
    .addOption(tokenFileOption("require this shared token (the file's first line) on every call"))
    .option('--tls-cert <path>', 'serve TLS with this certificate (PEM)')
    .option('--tls-key <path>', 'and this private key (PEM)')
    .option('--tls-ca <path>', 'require client certificates signed by this CA (mutual TLS)')
    .option(
      '--insecure',
      "allow a non-loopback --listen (or --dashboard) without a token or mutual TLS: anyone who reaches it can use it (the dashboard still answers only IP addresses, loopback names and this machine's name)",
    )
    .option('--dashboard <host:port>', 'also serve the read-only live dashboard (HTTP) here, workers page included; the token applies')
    .addOption(secondsOption('--lease-timeout <seconds>', 'a worker silent this long loses its trials', LEASE_TIMEOUT_SECONDS))
    .addOption(
      secondsOption(
        '--leader-lease <seconds>',
        'on a PostgreSQL store, one coordinator leads and the others wait as standbys: a standby takes over this long after the leader stopped renewing',
        LEADER_LEASE_SECONDS,
      ),
    )
    .option(
      '--max-attempts <n>',
      'lost attempts (worker dead or silent) before a trial is FAILED; stops and drains do not count',
      positiveInteger,
      MAX_ATTEMPTS,
    )
    .option('--max-connections <n>', 'open connections at most; more are closed at once', positiveInteger, MAX_CONNECTIONS)
    .addOption(
      secondsOption(
        '--auth-timeout <seconds>',
        'a connection that has made no call with the right token (or none needed) by then is closed',
        AUTH_TIMEOUT_SECONDS,
      ),
    )
    .addOption(
      secondsOption(
        '--drain-timeout <seconds>',
        'on SIGTERM, how long running trials get to finish before going back to the queue',
        DEFAULT_DRAIN_SECONDS,
      ),
    )
    .addOption(takeOverOption())
    .addOption(logFileOption())
    .addOption(logLevelOption('info'))
    .action(async (flags: CoordinatorFlags) => {
      const code = await (await import('./coordinator-command.js')).coordinatorCommand(flags);
      // Stopped: the store is closed, the log written (synchronously). An exit left to Node would wait
      // for peers to close the TLS connections gRPC half-closed, then, at times, spin at full CPU in
      // Node's teardown of those sockets, never exiting (seen once in ten SIGTERMs with TLS workers).
      process.exit(code);
    });
}
