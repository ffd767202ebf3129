import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { tokenMatches } from '../../src/rpc/auth-token.js';
import { channelCredentials } from '../../src/rpc/tls-files.js';
import { runCli } from '../helpers/cli-process.js';
import { FakeWorker } from '../helpers/fake-worker.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeCertificates } from '../helpers/test-certificates.js';

const dir = tempDir();
const certs = makeCertificates(dir);
const TOKEN = 'a-shared-secret-of-some-length';
const open: { close(): unknown }[] = [];
after(async () => {
  for (const thing of open.reverse()) await thing.close();
});

async function coordinator(name: string, options: Parameters<typeof startCoordinator>[2]): Promise<CoordinatorFixture> {
  const fixture = await startCoordinator(dir, name, options);
  open.push(fixture);
  return fixture;
}

function client(fixture: CoordinatorFixture, options: ConstructorParameters<typeof FakeWorker>[1] = {}): FakeWorker {
  const worker = new FakeWorker(fixture.coordinator.address.replace('127.0.0.1', options.credentials ? 'localhost' : '127.0.0.1'), options);
  open.push(worker);
  return worker;
}

const rejectsWith = (code: status, message?: RegExp) => (error: { code: status; details: string }) => {
  assert.equal(error.code, code, `${status[error.code]}: ${error.details}`);
  if (message) assert.match(error.details, message);
  return true;
};

describe('the shared token', () => {
  test('is compared in constant time over digests, and refuses empty or other tokens', () => {
    assert.equal(tokenMatches(TOKEN, `Bearer ${TOKEN}`), true);
    assert.equal(tokenMatches(TOKEN, `Bearer ${TOKEN}x`), false);
    assert.equal(tokenMatches(TOKEN, TOKEN), false, 'the Bearer scheme is required');
    assert.equal(tokenMatches(TOKEN, undefined), false);
    assert.equal(tokenMatches(TOKEN, 'Bearer '), false);
  });

  test('every call without it, or with a wrong one, is UNAUTHENTICATED; with it, served', async () => {
    const fixture = await coordinator('token', { token: TOKEN });
    await assert.rejects(client(fixture).register(1), rejectsWith(status.UNAUTHENTICATED, /requires its token/));
    await assert.rejects(client(fixture, { token: 'not-the-shared-secret!!' }).register(1), rejectsWith(status.UNAUTHENTICATED));
    await assert.rejects(client(fixture).client.status(), rejectsWith(status.UNAUTHENTICATED));
    await assert.rejects(client(fixture).client.submit({ sweepYaml: 'x', fileName: 'x' }), rejectsWith(status.UNAUTHENTICATED));
    // Reports go on a stream: its token is checked when it opens.
    await assert.rejects(client(fixture).client.report({ session: 'x', events: [] }), rejectsWith(status.UNAUTHENTICATED));
    const good = client(fixture, { token: TOKEN });
    assert.ok((await good.register(2)).session);
    assert.equal((await good.client.status()).workers.length, 1);
  });
});

describe('TLS', () => {
  test('a TLS coordinator serves clients that trust its CA, and nobody in plain text', async () => {
    const fixture = await coordinator('tls', { tls: { cert: certs.serverCert, key: certs.serverKey } });
    const trusted = client(fixture, { credentials: channelCredentials({ ca: certs.ca }) });
    assert.ok((await trusted.register(1)).session);
    await assert.rejects(client(fixture).register(1), rejectsWith(status.UNAVAILABLE));
    const wrongCa = client(fixture, { credentials: channelCredentials({ ca: certs.otherCa }) });
    await assert.rejects(wrongCa.register(1), rejectsWith(status.UNAVAILABLE));
  });

  test('with mutual TLS, a client without a certificate signed by the CA is turned away', async () => {
    const fixture = await coordinator('mtls', { tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca } });
    await assert.rejects(
      client(fixture, { credentials: channelCredentials({ ca: certs.ca }) }).register(1),
      rejectsWith(status.UNAVAILABLE),
    );
    const withCert = client(fixture, { credentials: channelCredentials({ ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }) });
    assert.ok((await withCert.register(1)).session);
  });

  test('bad certificate files are refused before anything starts, naming the option', () => {
    writeFileSync(join(dir, 'not-pem.txt'), 'hello');
    assert.throws(() => channelCredentials({ ca: join(dir, 'missing.pem') }), /--tls-ca: cannot read .*missing\.pem: ENOENT/);
    assert.throws(() => channelCredentials({ ca: join(dir, 'not-pem.txt') }), /--tls-ca: .*not-pem\.txt must be a PEM file/);
    assert.throws(() => channelCredentials({ ca: certs.ca, cert: certs.clientCert }), /--tls-cert and --tls-key must be given together/);
  });
});

describe('listening address', () => {
  test('a non-loopback address without a token or mutual TLS is refused unless --insecure', async () => {
    const refused = await runCli(['coordinator', '--db', join(dir, 'open.db'), '--listen', '0.0.0.0:0']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /error: --listen 0\.0\.0\.0:0 can be reached from other machines/);
    assert.match(refused.stderr, /hint: give --token-file/);
    const bad = await runCli(['coordinator', '--db', join(dir, 'open.db'), '--listen', 'nowhere']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--listen must be HOST:PORT/);
    const shortToken = join(dir, 'short-token');
    writeFileSync(shortToken, 'abc\n');
    const weak = await runCli(['coordinator', '--db', join(dir, 'open.db'), '--token-file', shortToken]);
    assert.equal(weak.code, 2);
    assert.match(weak.stderr, /--token-file: the token in .* must be at least 16 characters, but it has 3/);
  });

  test('a worker with the wrong token exits 2 with the reason instead of retrying forever', async () => {
    const fixture = await coordinator('worker-token', { token: TOKEN });
    const tokenFile = join(dir, 'wrong-token');
    writeFileSync(tokenFile, 'definitely-the-wrong-token\n');
    const worker = await runCli(['worker', '--coordinator', fixture.coordinator.address, '--token-file', tokenFile, '--threads', '1']);
    assert.equal(worker.code, 2, worker.stderr);
    assert.match(worker.stderr, /error: the coordinator refused this worker: this coordinator requires its token/);
  });
});

describe('protocol versions', () => {
  test('a worker speaking another protocol version is refused with the versions that match', async () => {
    const fixture = await coordinator('versions', {});
    await assert.rejects(
      client(fixture).register(1, [], 2),
      rejectsWith(status.FAILED_PRECONDITION, /the worker speaks protocol version 2, but this coordinator accepts version 1 only/),
    );
    await assert.rejects(client(fixture).register(1, [], 0), rejectsWith(status.FAILED_PRECONDITION, /version 0/));
  });
});
