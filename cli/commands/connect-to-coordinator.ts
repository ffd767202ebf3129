import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { readTokenFile } from '../../src/rpc/auth-token.js';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import { formatHostPort, parseHostPort } from '../../src/rpc/host-port.js';
import { channelCredentials } from '../../src/rpc/tls-files.js';
import type { ConnectionFlags } from './connection-options.js';

/** A client of the coordinator (or coordinators) the connection options name (see addConnectionOptions). */
export function connect(flags: ConnectionFlags, timeoutMs?: number): { client: CoordinatorClient; address: string } {
  // A list is a leader and its standbys: calls go to whichever listens (CoordinatorClient).
  const address = flags.coordinator
    .split(',')
    .map((part) => formatHostPort(parseHostPort(part.trim(), '--coordinator')))
    .join(',');
  const tls =
    flags.tlsCa === undefined
      ? undefined
      : {
          ca: flags.tlsCa,
          ...(flags.tlsCert !== undefined && { cert: flags.tlsCert }),
          ...(flags.tlsKey !== undefined && { key: flags.tlsKey }),
        };
  if (tls === undefined && (flags.tlsCert !== undefined || flags.tlsKey !== undefined)) {
    throw new InvalidArgumentError("--tls-cert and --tls-key need --tls-ca (the CA that signed the coordinator's certificate)");
  }
  const token = flags.tokenFile === undefined ? undefined : readTokenFile(flags.tokenFile, '--token-file');
  const client = new CoordinatorClient({
    address,
    credentials: channelCredentials(tls),
    ...(token !== undefined && { token }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
  return { client, address };
}
