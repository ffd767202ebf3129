import { readFileSync } from 'node:fs';
import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

export interface ServerTlsFiles {
  readonly cert: string;
  readonly key: string;
  /** With a CA, clients must present a certificate it signed (mutual TLS). */
  readonly ca?: string;
}

export interface ClientTlsFiles {
  /** The CA that signed the coordinator's certificate. */
  readonly ca: string;
  /** The worker's own certificate and key, for a coordinator that requires mutual TLS. */
  readonly cert?: string;
  readonly key?: string;
}

export function serverCredentials(tls: ServerTlsFiles | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const ca = tls.ca === undefined ? null : readPem(tls.ca, '--tls-ca');
  return ServerCredentials.createSsl(
    ca,
    [{ cert_chain: readPem(tls.cert, '--tls-cert'), private_key: readPem(tls.key, '--tls-key') }],
    ca !== null,
  );
}

export function channelCredentials(tls: ClientTlsFiles | undefined): ChannelCredentials {
  if (!tls) return ChannelCredentials.createInsecure();
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new InvalidArgumentError("--tls-cert and --tls-key must be given together (the worker's certificate for mutual TLS)");
  }
  return ChannelCredentials.createSsl(
    readPem(tls.ca, '--tls-ca'),
    tls.key === undefined ? null : readPem(tls.key, '--tls-key'),
    tls.cert === undefined ? null : readPem(tls.cert, '--tls-cert'),
  );
}

function readPem(path: string, option: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new InvalidArgumentError(`${option}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!pem.includes('-----BEGIN ')) throw new InvalidArgumentError(`${option}: ${path} must be a PEM file (-----BEGIN ...), but it is not`);
  return pem;
}
