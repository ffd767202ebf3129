import { createServer } from 'node:net';

/**
 * A local port nobody listens on: bound by the system and released at once. Another process could
 * take it in between, which a test that expects "connection refused" would notice.
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
