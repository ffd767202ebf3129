import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `HOST:PORT` (`[::1]:PORT` for IPv6); port 0 asks the system for a free one. */
export function parseHostPort(text: string, option: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) {
    throw new InvalidArgumentError(`${option} must be HOST:PORT (e.g. 127.0.0.1:7400, or [::1]:7400), but got "${text}"`);
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Whether only this machine can reach the address. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}
