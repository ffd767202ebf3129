import { Option, type Command } from 'commander';
import { nonEmpty } from '../option-parsers.js';
import { ENV, tokenFileOption } from '../shared-options.js';

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
    .addOption(
      new Option(
        '--coordinator <host:port>',
        'the coordinator to connect to; or a leader and its standbys, comma-separated (host:port,host:port): calls go to the one that leads',
      )
        .env(ENV.coordinator)
        .argParser(nonEmpty)
        .default(DEFAULT_COORDINATOR),
    )
    .addOption(tokenFileOption("file holding the coordinator's shared token"))
    .option('--tls-ca <path>', "connect with TLS, trusting this CA (PEM) for the coordinator's certificate")
    .option('--tls-cert <path>', "this side's certificate (PEM), for a coordinator that requires mutual TLS")
    .option('--tls-key <path>', "this side's private key (PEM), with --tls-cert");
}
