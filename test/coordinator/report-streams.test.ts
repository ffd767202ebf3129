import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import {
  ChannelCredentials,
  Metadata,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  status,
  type Client,
  type ClientDuplexStream,
  type ServerDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { coordinatorService } from '../../coordinator/coordinator-service.js';
import { RemoteExecutor } from '../../coordinator/remote-executor.js';
import { ReportStreams } from '../../coordinator/report-streams.js';
import { StudyHost } from '../../coordinator/study-host.js';
import { grpcServiceDefinition } from '../../src/rpc/grpc-service-definition.js';
import { toServiceError } from '../../src/rpc/grpc-status.js';
import { ReportStream } from '../../src/rpc/report-stream.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { reportReplyFromMessage, reportToMessage } from '../../src/wire/coordinator-codec.js';
import {
  Coordinator,
  ReportReplySchema,
  ReportRequestSchema,
  type ReportReply,
  type ReportRequest,
} from '../../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { epochEvent, FakeWorker, keyOf } from '../helpers/fake-worker.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const dir = tempDir();
const closing: (() => unknown)[] = [];
after(async () => {
  for (const close of closing.reverse()) await close();
});

const RawClient = makeGenericClientConstructor(grpcServiceDefinition(Coordinator), 'Coordinator');
type Raw = Client & Record<string, unknown>;

function rawClient(address: string): Raw {
  const client = new RawClient(address, ChannelCredentials.createInsecure()) as Raw;
  closing.push(() => client.close());
  return client;
}

/** A ReportStream on `client`, counting the streams it opens. */
function counted(client: Raw, timeoutMs = 5_000): { stream: ReportStream; opened: () => number } {
  let opened = 0;
  const stream = new ReportStream(() => {
    opened++;
    const method = client[Coordinator.method.reports.name] as (metadata: Metadata) => ClientDuplexStream<ReportRequest, ReportReply>;
    return method.call(client, new Metadata());
  }, timeoutMs);
  closing.push(() => stream.close());
  return { stream, opened: () => opened };
}

const failsWith = (code: status, details?: RegExp) => (error: ServiceError) => {
  assert.equal(error.code, code, `${status[error.code]}: ${error.details}`);
  if (details) assert.match(error.details, details);
  return true;
};

/** Listens on a free loopback port; the server is shut down after the tests. */
async function bound(server: Server): Promise<number> {
  closing.push(() => server.forceShutdown());
  return new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
}

async function coordinatorWithRun(name: string): Promise<{ fixture: CoordinatorFixture; worker: FakeWorker; stopHeartbeats: () => void }> {
  const fixture = await startCoordinator(dir, name);
  await fixture.coordinator.studyHost.submit(tinySweepYaml({ study: `study: ${name}`, budget: 'budget:\n  trials: 1' }), 'tiny.yaml');
  const worker = new FakeWorker(fixture.coordinator.address);
  closing.push(() => worker.close());
  await worker.register(1);
  const stopHeartbeats = worker.keepAlive(200);
  // Before the coordinator closes: its drain waits for the fake worker's run until the lease ends.
  closing.push(() => fixture.close(), stopHeartbeats);
  worker.openWork();
  return { fixture, worker, stopHeartbeats };
}

describe('the Reports stream', () => {
  test('carries a request, then its reply, then the next, on one stream; a refused request ends it and the next opens another', async () => {
    const { fixture, worker } = await coordinatorWithRun('one-stream');
    const run = keyOf(await worker.nextAssignment());
    const { stream, opened } = counted(rawClient(fixture.coordinator.address));
    for (let epoch = 1; epoch <= 5; epoch++) {
      const reply = await stream.send(reportToMessage({ session: worker.session, events: [epochEvent(run, epoch, 0.1 * epoch)] }));
      assert.deepEqual(reportReplyFromMessage(reply), [{ decision: 'continue' }]);
    }
    assert.equal(opened(), 1, 'five requests, one stream');
    const trial = (await fixture.store.listTrials((await fixture.store.getStudy('one-stream')).id))[0];
    assert.equal((await fixture.store.getEpochs(trial?.id ?? -1)).length, 5, 'every epoch stored');

    // A session the coordinator does not know: the status a Report call would get, the stream ends.
    await assert.rejects(stream.send(reportToMessage({ session: 'no-such-session', events: [] })), failsWith(status.NOT_FOUND, /session/));
    const reply = await stream.send(reportToMessage({ session: worker.session, events: [epochEvent(run, 6, 0.6)] }));
    assert.deepEqual(reportReplyFromMessage(reply), [{ decision: 'continue' }]);
    assert.equal(opened(), 2);
  });

  test("the coordinator's close ends the open streams (OK), so its shutdown does not wait for them", async () => {
    const { fixture, worker, stopHeartbeats } = await coordinatorWithRun('close');
    const run = keyOf(await worker.nextAssignment());
    await worker.report([epochEvent(run, 1, 0.5)]); // the worker's own stream, now open and idle
    const client = rawClient(fixture.coordinator.address);
    const method = client[Coordinator.method.reports.name] as (metadata: Metadata) => ClientDuplexStream<ReportRequest, ReportReply>;
    const call = method.call(client, new Metadata());
    call.on('error', () => undefined);
    const replied = new Promise((resolve) => call.once('data', resolve));
    const ended = new Promise<{ code: status }>((resolve) => call.on('status', resolve));
    call.write(create(ReportRequestSchema, { session: worker.session, events: [] }));
    await replied;
    stopHeartbeats();
    await fixture.close();
    // Ended by the coordinator, not cut when its connection went: the server's shutdown had waited for it.
    assert.equal((await ended).code, status.OK);
    await assert.rejects(worker.report([epochEvent(run, 2, 0.5)]), failsWith(status.UNAVAILABLE));
  });

  test('a peer that sends requests without waiting for their replies is cut off', async () => {
    // The coordinator's streams with a request in hand that takes its time (a store that waits on
    // its disk): the requests queued behind it are bounded.
    const streams = new ReportStreams();
    const server = new Server();
    server.addService(grpcServiceDefinition(Coordinator), {
      Reports: (call: ServerDuplexStream<ReportRequest, ReportReply>) =>
        streams.serve(
          call,
          () => new Promise<ReportReply>(() => undefined),
          (error) => call.emit('error', toServiceError(error)),
        ),
    });
    const port = await bound(server);
    const client = rawClient(`127.0.0.1:${port}`);
    const method = client[Coordinator.method.reports.name] as (metadata: Metadata) => ClientDuplexStream<ReportRequest, ReportReply>;
    const call = method.call(client, new Metadata());
    const ended = new Promise<ServiceError>((resolve) => call.on('error', resolve));
    call.on('data', () => undefined);
    for (let i = 0; i < 100; i++) call.write(create(ReportRequestSchema, { session: 's', events: [] }));
    failsWith(status.INVALID_ARGUMENT, /more than 16 requests sent without waiting for their replies/)(await ended);
  });

  test('a request not answered in time fails as DEADLINE_EXCEEDED, and the next goes on a new stream', async () => {
    // A coordinator that takes the stream and never answers (hung, or its machine stalled).
    const server = new Server();
    const calls: ServerDuplexStream<ReportRequest, ReportReply>[] = [];
    server.addService(grpcServiceDefinition(Coordinator), {
      Reports: (call: ServerDuplexStream<ReportRequest, ReportReply>) => {
        calls.push(call);
        call.on('data', () => {
          if (calls.length > 1) call.write(create(ReportReplySchema, { results: [] }));
        });
      },
    });
    const port = await bound(server);
    const { stream, opened } = counted(rawClient(`127.0.0.1:${port}`), 300);
    const started = Date.now();
    await assert.rejects(
      stream.send(create(ReportRequestSchema, { session: 's', events: [] })),
      failsWith(status.DEADLINE_EXCEEDED, /300 ms/),
    );
    assert.ok(Date.now() - started >= 290);
    assert.deepEqual((await stream.send(create(ReportRequestSchema, { session: 's', events: [] }))).results, []);
    assert.equal(opened(), 2);
  });

  test('a coordinator without Reports (an older one) gets the reports as Report calls', async () => {
    // The real handlers, without Reports: what a coordinator built before it serves.
    const store = SqliteTrialStore.open(join(dir, 'older.db'));
    closing.push(() => store.close());
    const logger = silentLogger();
    const executor = new RemoteExecutor({ leaseMs: 5_000, heartbeatMs: 1_000, reclaimMs: 5_000, logger });
    closing.push(() => executor.close());
    const studyHost = new StudyHost({ store, executor, logger, owner: { id: 'older', host: 'test', pid: process.pid } });
    const older = coordinatorService({
      executor,
      studyHost,
      store,
      logger,
      leaseMs: 5_000,
      heartbeatMs: 1_000,
      reportStreams: new ReportStreams(),
    });
    delete older.Reports;
    const server = new Server();
    server.addService(grpcServiceDefinition(Coordinator), older);
    const port = await bound(server);
    const worker = new FakeWorker(`127.0.0.1:${port}`);
    closing.push(() => worker.close());
    await worker.register(1);
    assert.deepEqual(await worker.report([]), []);
    await assert.rejects(worker.client.report({ session: 'no-such-session', events: [] }), failsWith(status.NOT_FOUND));
    assert.deepEqual(await worker.report([]), []);
  });
});
