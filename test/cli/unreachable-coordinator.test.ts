import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import { channelCredentials, type ClientTlsFiles } from '../../src/rpc/tls-files.js';
import { SweeperError } from '../../src/errors/sweeper-error.js';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeCertificates } from '../helpers/test-certificates.js';
import { writeTinySweep } from '../helpers/tiny-sweep.js';
import { unusedPort } from '../helpers/unused-port.js';

const dir = tempDir();
const certs = makeCertificates(dir);
const closers: (() => unknown)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

let plain: CoordinatorFixture;
let tls: CoordinatorFixture;
let mutualTls: CoordinatorFixture;
before(async () => {
  plain = await startCoordinator(dir, 'plain');
  tls = await startCoordinator(dir, 'tls', { tls: { cert: certs.serverCert, key: certs.serverKey } });
  mutualTls = await startCoordinator(dir, 'mtls', { tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca } });
  for (const fixture of [plain, tls, mutualTls]) closers.push(() => fixture.close());
});

/** Listens on a free port; at the end its connections are cut, since a silent server never ends them. */
async function listening(server: Server | ReturnType<typeof createHttpServer>): Promise<string> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  assert.ok(address !== null && typeof address !== 'string');
  return `127.0.0.1:${address.port}`;
}

/** What the CLI would report for a Status call to `address`: fromServiceError of the real failure. */
async function failure(address: string, options: { tls?: ClientTlsFiles; timeoutMs?: number } = {}): Promise<SweeperError> {
  const client = new CoordinatorClient({
    address,
    credentials: channelCredentials(options.tls),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  try {
    await client.status();
  } catch (error) {
    const reported = fromServiceError(error, address);
    assert.ok(reported instanceof SweeperError, String(reported));
    assert.equal(reported.code, 'UNAVAILABLE');
    assert.doesNotMatch(
      `${reported.message}\n${reported.hint}`,
      /UNAVAILABLE|No connection established|Resolution note|deps\/openssl/,
      'no raw gRPC text',
    );
    return reported;
  } finally {
    client.close();
  }
  assert.fail(`the call to ${address} succeeded`);
}

describe('a coordinator out of reach is said in words, with what to check', () => {
  test('nobody listens: connection refused, and the command that would listen there', async () => {
    const address = `127.0.0.1:${await unusedPort()}`;
    const error = await failure(address);
    assert.equal(error.message, `cannot reach the coordinator at ${address} (connection refused)`);
    assert.equal(
      error.hint,
      `is \`sweeper coordinator --listen ${address}\` running there? check --coordinator (or SWEEPER_COORDINATOR) and the firewall`,
    );
  });

  test('a host name that does not resolve', async () => {
    const error = await failure('nohost.invalid:7400');
    assert.equal(error.message, 'cannot reach the coordinator at nohost.invalid:7400 (host name not found)');
    assert.match(error.hint ?? '', /check --coordinator \(or SWEEPER_COORDINATOR\)/);
  });

  test('no answer before the deadline: a server that accepts and says nothing', async () => {
    const address = await listening(createServer(() => undefined));
    const error = await failure(address, { timeoutMs: 300 });
    assert.match(error.message, new RegExp(`^cannot reach the coordinator at ${address} \\(no answer within 0\\.3 s\\)$`));
    assert.match(error.hint ?? '', /firewall/);
  });

  test('TLS on one side only, either way', async () => {
    const toPlain = await failure(plain.coordinator.address.replace('127.0.0.1', 'localhost'), { tls: { ca: certs.ca } });
    assert.match(toPlain.message, /\(TLS failed: the coordinator does not speak TLS\)$/);
    assert.match(toPlain.hint ?? '', /drop --tls-ca/);
    const toTls = await failure(tls.coordinator.address.replace('127.0.0.1', 'localhost'));
    assert.match(toTls.message, /\(the connection was closed while it was set up\)$/);
    assert.match(toTls.hint ?? '', /give --tls-ca/);
  });

  test('a certificate signed by another CA; a coordinator that requires a client certificate', async () => {
    const untrusted = await failure(tls.coordinator.address.replace('127.0.0.1', 'localhost'), { tls: { ca: certs.otherCa } });
    assert.match(untrusted.message, /\(its TLS certificate is not trusted: unable to verify the first certificate\)$/);
    assert.match(untrusted.hint ?? '', /--tls-ca the CA that signed/);
    const noCertificate = await failure(mutualTls.coordinator.address.replace('127.0.0.1', 'localhost'), { tls: { ca: certs.ca } });
    assert.match(noCertificate.message, /\(the coordinator requires a client certificate \(mutual TLS\)\)$/);
    assert.match(noCertificate.hint ?? '', /--tls-cert and --tls-key/);
  });

  test('an HTTP server on the port (the dashboard, say) is not a coordinator', async () => {
    const address = await listening(createHttpServer((_, response) => response.writeHead(404).end()));
    const error = await failure(address);
    assert.match(error.message, /\(something answers there, but not a sweeper coordinator\)$/);
    assert.match(error.hint ?? '', /7400 .* dashboard on 7401/);
  });

  test('sweeper status and submit, to a port nobody listens on: exit 1, the address named, no gRPC text', { timeout: 30_000 }, async () => {
    const address = `127.0.0.1:${await unusedPort()}`;
    // status sets a 5 s deadline on its call, submit 10 s; a refused connection fails at once.
    for (const args of [['status'], ['submit', writeTinySweep(dir, {})]]) {
      const result = await runCli([...args, '--coordinator', address]);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(
        result.stderr,
        `error: cannot reach the coordinator at ${address} (connection refused)\nhint: is \`sweeper coordinator --listen ${address}\` running there? check --coordinator (or SWEEPER_COORDINATOR) and the firewall\n`,
      );
    }
  });

  test('a leader and its standbys, none listening: each tried in turn, all named', { timeout: 30_000 }, async () => {
    const [first, second] = [`127.0.0.1:${await unusedPort()}`, `127.0.0.1:${await unusedPort()}`];
    for (const args of [['status'], ['submit', writeTinySweep(dir, {})]]) {
      const result = await runCli([...args, '--coordinator', `${first}, ${second}`]);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(
        result.stderr,
        `error: cannot reach any of the coordinators at ${first}, ${second} (connection refused)\nhint: is one of them leading? (a standby listens only once it leads) check --coordinator (or SWEEPER_COORDINATOR) and the firewall\n`,
      );
    }
    const empty = await runCli(['status', '--coordinator', `${first},`]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^error: --coordinator must be HOST:PORT .*, but got ""$/m);
  });
});
