import type { Command } from 'commander';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { readTokenFile } from '../../src/rpc/auth-token.js';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import { formatHostPort, parseHostPort } from '../../src/rpc/host-port.js';
import { channelCredentials } from '../../src/rpc/tls-files.js';

export interface ConnectionFlags {
  coordinator: string;
  tokenFile?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export const DEFAULT_COORDINATOR = '127.0.0.1:7400';

/** Options of every command that talks to a coordinator: `worker`, `submit`, `status`. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--coordinator <host:port>', 'the coordinator to connect to', DEFAULT_COORDINATOR)
    .option('--token-file <path>', "file holding the coordinator's shared token")
    .option('--tls-ca <path>', "connect with TLS, trusting this CA (PEM) for the coordinator's certificate")
    .option('--tls-cert <path>', 'this side\'s certificate (PEM), for a coordinator that requires mutual TLS')
    .option('--tls-key <path>', "this side's private key (PEM), with --tls-cert");
}

export function connect(flags: ConnectionFlags, timeoutMs?: number): { client: CoordinatorClient; address: string } {
  const address = formatHostPort(parseHostPort(flags.coordinator, '--coordinator'));
  const tls = flags.tlsCa === undefined ? undefined : { ca: flags.tlsCa, ...(flags.tlsCert !== undefined && { cert: flags.tlsCert }), ...(flags.tlsKey !== undefined && { key: flags.tlsKey }) };
  if (tls === undefined && (flags.tlsCert !== undefined || flags.tlsKey !== undefined)) {
    throw new InvalidArgumentError('--tls-cert and --tls-key need --tls-ca (the CA that signed the coordinator\'s certificate)');
  }
  const token = flags.tokenFile === undefined ? undefined : readTokenFile(flags.tokenFile, '--token-file');
  const client = new CoordinatorClient({ address, credentials: channelCredentials(tls), ...(token !== undefined && { token }), ...(timeoutMs !== undefined && { timeoutMs }) });
  return { client, address };
}
