import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { isLoopback } from '../src/rpc/host-port.js';

/**
 * The Host names a dashboard without a token answers to. A DNS-rebinding page reaches it under
 * the attacker's own domain name, so IP literals, loopback names, this machine's name and the
 * --listen host are safe; any other name is refused, with --insecure too (which only lifts the
 * need for a token on a non-loopback --listen).
 */
export function servedHostNames(listenHost: string): (host: string) => boolean {
  const machine = hostname().toLowerCase();
  const names = new Set([machine, machine.split('.')[0] ?? machine, listenHost.toLowerCase()]);
  return (host) => isLoopback(host) || isIP(host) !== 0 || names.has(host.replace(/\.$/, ''));
}
