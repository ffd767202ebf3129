import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import { isLoopback, type HostPort } from '../src/rpc/host-port.js';

/** Where `sweeper dashboard` listens unless told otherwise (the coordinator's gRPC default is 7400). */
export const DEFAULT_DASHBOARD = '127.0.0.1:7401';

/**
 * The coordinator's rule for its gRPC address, applied to the dashboard: an address other
 * machines can reach needs the token, unless --insecure says the network is trusted.
 */
export function checkDashboardListen(listen: HostPort, option: string, text: string, token: string | undefined, insecure: boolean): void {
  if (isLoopback(listen.host) || token !== undefined || insecure) return;
  throw new InvalidArgumentError(
    `${option} ${text} can be reached from other machines, and nothing would stop anyone who reaches it from reading every study`,
    'give --token-file (the browser then opens http://HOST:PORT/?token=TOKEN once), or --insecure on a network you trust',
  );
}
