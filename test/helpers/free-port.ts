import { createServer } from 'node:net';

/**
 * A TCP port nobody listens on now, for commands that take HOST:PORT the way the docs write
 * them. The kernel hands out ephemeral ports in turn, so it is not given again at once.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error(`no port from ${String(address)}`)),
      );
    });
  });
}
