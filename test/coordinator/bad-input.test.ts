import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ChannelCredentials, Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { RunEventMessage, RunKeyMessage } from '../../src/wire/coordinator-messages.js';
import { epochEvent, FakeWorker, finishedEvent, keyOf } from '../helpers/fake-worker.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const dir = tempDir();
let fixture: CoordinatorFixture;
let worker: FakeWorker;
let run: RunKeyMessage;
let stopHeartbeats: () => void;

before(async () => {
  fixture = await startCoordinator(dir, 'bad-input');
  await fixture.coordinator.host.submit(tinySweepYaml({ study: 'study: bad', budget: 'budget:\n  trials: 1' }), 'tiny.yaml');
  worker = new FakeWorker(fixture.coordinator.address);
  await worker.register(1);
  stopHeartbeats = worker.keepAlive(200);
  worker.openWork();
  run = keyOf(await worker.nextAssignment());
  await worker.report([epochEvent(run, 1, 0.5)]);
});
after(async () => {
  stopHeartbeats();
  worker.close();
  await fixture.close();
});

const invalid = (pattern: RegExp) => (error: ServiceError) => {
  assert.equal(error.code, status.INVALID_ARGUMENT, `${status[error.code]}: ${error.details}`);
  assert.match(error.details, pattern);
  return true;
};

/** The study's one trial as stored: bad calls must leave it exactly so. */
const snapshot = (): unknown => readTrials(fixture.path, 'bad');

describe('bad input from workers is refused with a status, writes nothing, and stops no one', () => {
  const badReports: [string, (key: RunKeyMessage) => RunEventMessage[], RegExp][] = [
    ['a NaN metric', (key) => [{ run: key, epoch: { epoch: 2, metrics: { val_accuracy: Number.NaN } } }], /events\[0\]: epoch report: metrics\.valAccuracy: expected a number, but got NaN/],
    ['an accuracy above 1', (key) => [{ run: key, epoch: { epoch: 2, metrics: { val_accuracy: 1.5 } } }], /metrics\.valAccuracy: must be <= 1, but got 1\.5/],
    ['an infinite loss', (key) => [{ run: key, epoch: { epoch: 2, metrics: { val_loss: Number.POSITIVE_INFINITY } } }], /metrics\.valLoss/],
    ['epoch 0', (key) => [{ run: key, epoch: { epoch: 0, metrics: {} } }], /epoch: must be >= 1, but got 0/],
    ['an event with no run', () => [{ run: null, epoch: { epoch: 2, metrics: {} } }], /events\[0\]\.run/],
    ['an event with neither epoch nor end', (key) => [{ run: key } as unknown as RunEventMessage], /events\[0\]: event is required \(expected epoch or end\)/],
    ['a bad study name', (key) => [epochEvent({ ...key, study: 'no spaces allowed' }, 2, 0.5)], /events\[0\]\.run: study: expected a name of letters/],
    ['attempt 0', (key) => [epochEvent({ ...key, attempt: 0 }, 2, 0.5)], /attempt: must be >= 1/],
    ['negative training time', (key) => [{ run: key, end: { finished: { epochs: 2, train_seconds: -1 } } }], /trainSeconds: must be >= 0/],
    ['a good event followed by a bad one', (key) => [epochEvent(key, 2, 0.6), { run: key, epoch: { epoch: 3, metrics: { train_accuracy: -0.1 } } }], /events\[1\]/],
  ];
  for (const [what, events, message] of badReports) {
    test(`a report with ${what}: INVALID_ARGUMENT, nothing written`, async () => {
      const before = snapshot();
      await assert.rejects(worker.report(events(run)), invalid(message));
      assert.deepEqual(snapshot(), before);
    });
  }

  test('reports for an unknown trial or attempt are refused one by one, unrecorded', async () => {
    const before = snapshot();
    const { results } = await worker.report([epochEvent({ ...run, trial_number: 999 }, 1, 0.5), epochEvent({ ...run, attempt: 7 }, 2, 0.5), finishedEvent({ ...run, repeat: 3 }, 1)]);
    assert.equal(results.length, 3);
    for (const result of results) {
      assert.ok(result && 'refused' in result && result.refused);
      assert.equal(result.refused.code, status.FAILED_PRECONDITION);
    }
    assert.match((results[0] as { refused: { message: string } }).refused.message, /trial 999 of study "bad" \(attempt 1, repeat 0\) is not running/);
    assert.match((results[1] as { refused: { message: string } }).refused.message, /attempt 7, repeat 0\) is stale: attempt 1 is the current one/);
    assert.deepEqual(snapshot(), before);
  });

  test('calls with an unknown session are NOT_FOUND', async () => {
    await assert.rejects(worker.client.report({ session: 'no-such-session', events: [] }), (error: ServiceError) => error.code === status.NOT_FOUND && /session no-such-session is unknown/.test(error.details));
    await assert.rejects(worker.client.heartbeat({ session: 'bad session!', running: [], draining: false }), invalid(/session: /));
  });

  test('bad registrations are refused, naming the field', async () => {
    const other = new FakeWorker(fixture.coordinator.address, {}, 'has spaces');
    await assert.rejects(other.register(1), invalid(/register: workerId: expected an id of up to 128 letters/));
    other.close();
    const zero = new FakeWorker(fixture.coordinator.address);
    await assert.rejects(zero.register(0), invalid(/register: threads: must be >= 1, but got 0/));
    await assert.rejects(zero.register(100_000), invalid(/threads: must be <= 4096/));
    zero.close();
  });

  test('a bad sweep file is refused with its line and field, and creates no study', async () => {
    const bad = tinySweepYaml({ study: 'study: never', training: 'training:\n  epochs: 0' });
    await assert.rejects(worker.client.submit({ sweep_yaml: bad, file_name: 'mine.yaml', study: '' }), invalid(/mine\.yaml:\d+:\d+: training\.epochs: must be >= 1/));
    const { studies } = await worker.client.status();
    assert.deepEqual(studies.map((s) => s.name), ['bad']);
  });

  test('oversized messages are refused: by the transport beyond its limit, by the field check below it', async () => {
    await assert.rejects(worker.client.submit({ sweep_yaml: 'x'.repeat(3 << 20), file_name: 'big.yaml', study: '' }), (error: ServiceError) => error.code === status.RESOURCE_EXHAUSTED);
    await assert.rejects(worker.client.submit({ sweep_yaml: `#${'x'.repeat(1 << 20)}`, file_name: 'big.yaml', study: '' }), invalid(/sweep_yaml must be at most 1048576 bytes/));
  });

  test('bytes that are not the message at all are refused', async () => {
    const raw = new Client(fixture.coordinator.address, ChannelCredentials.createInsecure());
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const error = await new Promise<ServiceError | null>((resolve) => {
      raw.makeUnaryRequest('/sweeper.v1.Coordinator/Report', (b: Buffer) => b, (b: Buffer) => b, garbage, new Metadata(), {}, (e) => resolve(e));
    });
    raw.close();
    assert.ok(error, 'refused');
    assert.ok(error.code === status.INTERNAL || error.code === status.INVALID_ARGUMENT, `${status[error.code]}: ${error.details}`);
  });

  test('after all that, the coordinator still serves the worker: the trial completes', async () => {
    await worker.report([epochEvent(run, 2, 0.75), finishedEvent(run, 2)]);
    const deadline = Date.now() + 10_000;
    while (readTrials(fixture.path, 'bad')[0]?.state !== 'COMPLETE') {
      assert.ok(Date.now() < deadline, 'the trial completes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(readTrials(fixture.path, 'bad')[0]?.value, 0.75);
  });
});
