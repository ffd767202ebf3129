import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { ChannelCredentials, Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { RunKey } from '../../src/execution/run-assignment.js';
import type { EventResult } from '../../src/wire/coordinator-codec.js';
import type { RunEventSchema } from '../../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { epochEvent, FakeWorker, finishedEvent, keyOf } from '../helpers/fake-worker.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { capturingLogger } from '../helpers/log-capture.js';
import { readTrials, waitForTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const dir = tempDir();
let fixture: CoordinatorFixture;
let worker: FakeWorker;
let run: RunKey;
let stopHeartbeats: () => void;
const log = capturingLogger();

before(async () => {
  // Every poison report below ends an attempt: enough attempts that the trial outlives them all.
  fixture = await startCoordinator(dir, 'bad-input', { maxAttempts: 100, logger: log.logger });
  await fixture.coordinator.studyHost.submit(tinySweepYaml({ study: 'study: bad', budget: 'budget:\n  trials: 1' }), 'tiny.yaml');
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

function assertRefused(result: EventResult | undefined, code: status, pattern: RegExp): void {
  assert.ok(result && 'refused' in result, `refused, but got ${JSON.stringify(result)}`);
  assert.equal(result.refused.code, code, `${status[result.refused.code]}: ${result.refused.message}`);
  assert.match(result.refused.message, pattern);
}

/** The study's one trial as stored: bad calls must leave it exactly so. */
const snapshot = (): unknown => readTrials(fixture.path, 'bad');

type RawEvent = MessageInitShape<typeof RunEventSchema>;
const rawKey = (key: RunKey): RawEvent['run'] => ({ ...key });
const rawEpoch = (key: RunKey, epoch: number, metrics: Record<string, number>): RawEvent => ({
  run: rawKey(key),
  event: { case: 'epoch', value: { epoch, metrics } },
});
const rawFinished = (key: RunKey, finished: Record<string, unknown>): RawEvent => ({
  run: rawKey(key),
  event: { case: 'end', value: { status: { case: 'finished', value: finished } } },
});

describe('bad input from workers is refused with a status, writes nothing of itself, and stops no one', () => {
  const unnamed: [string, (key: RunKey) => RawEvent[], RegExp][] = [
    ['an event with no run', () => [{ event: { case: 'epoch', value: { epoch: 2, metrics: {} } } }], /events\[0\]\.run: is required/],
    [
      'a bad study name',
      (key) => [rawEpoch({ ...key, study: 'no spaces allowed' }, 2, { valAccuracy: 0.5 })],
      /events\[0\]\.run: study: expected a name of letters/,
    ],
    ['attempt 0', (key) => [rawEpoch({ ...key, attempt: 0 }, 2, { valAccuracy: 0.5 })], /events\[0\]\.run: attempt: must be >= 1/],
  ];
  for (const [what, events, message] of unnamed) {
    test(`${what}: refused as INVALID_ARGUMENT on its own; the run it cannot name goes on`, async () => {
      const before = snapshot();
      const [result] = await worker.reportRaw(events(run));
      assertRefused(result, status.INVALID_ARGUMENT, message);
      assert.deepEqual(snapshot(), before);
    });
  }

  // A poison report: its run is known, but the event can never be accepted. Retrying cannot
  // help, so the attempt ends with the problem as the reason, and the trial runs again.
  const poison: [string, (key: RunKey) => RawEvent[], RegExp][] = [
    [
      'a NaN metric',
      (key) => [rawEpoch(key, 2, { valAccuracy: Number.NaN })],
      /events\[0\]: epoch report: metrics\.valAccuracy: expected a number, but got NaN/,
    ],
    ['an accuracy above 1', (key) => [rawEpoch(key, 2, { valAccuracy: 1.5 })], /metrics\.valAccuracy: must be <= 1, but got 1\.5/],
    ['an infinite loss', (key) => [rawEpoch(key, 2, { valLoss: Number.POSITIVE_INFINITY })], /metrics\.valLoss/],
    ['epoch 0', (key) => [rawEpoch(key, 0, {})], /epoch: must be >= 1, but got 0/],
    ['an event with neither epoch nor end', (key) => [{ run: rawKey(key) }], /events\[0\]: event is required \(expected epoch or end\)/],
    [
      'an outcome with no status',
      (key) => [{ run: rawKey(key), event: { case: 'end', value: {} } }],
      /events\[0\]: outcome: status is required/,
    ],
    ['negative training time', (key) => [rawFinished(key, { epochs: 2, trainSeconds: -1 })], /trainSeconds: must be >= 0/],
    [
      'a test accuracy above 1',
      (key) => [rawFinished(key, { epochs: 2, trainSeconds: 1, test: { epoch: 1, loss: 0.1, accuracy: 1.5, classes: 1, confusion: [3] } })],
      /outcome: test: accuracy: must be <= 1, but got 1\.5/,
    ],
    [
      'a confusion matrix of the wrong size',
      (key) => [
        rawFinished(key, { epochs: 2, trainSeconds: 1, test: { epoch: 1, loss: 0.1, accuracy: 0.5, classes: 2, confusion: [1, 2, 3] } }),
      ],
      /confusion must hold classes x classes counts/,
    ],
  ];
  for (const [what, events, message] of poison) {
    test(`a report with ${what}: refused as INVALID_ARGUMENT, and its attempt ends with the reason`, async () => {
      const attempt = run.attempt;
      const [result] = await worker.reportRaw(events(run));
      assertRefused(result, status.INVALID_ARGUMENT, message);
      const [trial] = await waitForTrials(fixture.path, 'bad', ([t]) => (t?.attempt ?? 0) > attempt, 10_000);
      assert.equal(trial?.value, null, 'nothing of the bad report is recorded');
      const requeued = log.records.filter((r) => r.msg === 'trial re-queued' && r.attempt === attempt).map((r) => String(r.reason));
      assert.equal(requeued.length, 1, 'the attempt was re-queued once');
      assert.match(
        requeued[0] ?? '',
        new RegExp(`^attempt ${attempt} was lost: worker fakehost:1 sent a report the coordinator cannot accept \\(.*${message.source}`),
      );
      // The trial is handed out again, as a new attempt.
      run = keyOf(await worker.nextAssignment());
      assert.equal(run.attempt, attempt + 1);
      // The old attempt is over: its reports are refused, unrecorded.
      const [late] = await worker.report([epochEvent({ ...run, attempt }, 2, 0.5)]);
      assertRefused(late, status.FAILED_PRECONDITION, /is stale/);
      await worker.report([epochEvent(run, 1, 0.5)]);
    });
  }

  test('a good event followed by a bad one: the good one is taken, the bad one refused', async () => {
    const attempt = run.attempt;
    const [good, bad] = await worker.reportRaw([rawEpoch(run, 2, { valAccuracy: 0.6 }), rawEpoch(run, 3, { trainAccuracy: -0.1 })]);
    assert.deepEqual(good, { decision: 'continue' });
    assertRefused(bad, status.INVALID_ARGUMENT, /events\[1\]: epoch report: metrics\.trainAccuracy: must be >= 0/);
    await waitForTrials(fixture.path, 'bad', ([t]) => (t?.attempt ?? 0) > attempt, 10_000);
    run = keyOf(await worker.nextAssignment());
    await worker.report([epochEvent(run, 1, 0.5)]);
  });

  test('reports for an unknown trial or attempt are refused one by one, unrecorded', async () => {
    const before = snapshot();
    const results = await worker.report([
      epochEvent({ ...run, trialNumber: 999 }, 1, 0.5),
      epochEvent({ ...run, attempt: 77 }, 2, 0.5),
      finishedEvent({ ...run, repeat: 3 }, 1),
    ]);
    assert.equal(results.length, 3);
    for (const result of results) {
      assert.ok(result && 'refused' in result && result.refused);
      assert.equal(result.refused.code, status.FAILED_PRECONDITION);
    }
    assert.match(
      (results[0] as { refused: { message: string } }).refused.message,
      /trial 999 of study "bad" \(attempt \d+, repeat 0\) is not running/,
    );
    assert.match(
      (results[1] as { refused: { message: string } }).refused.message,
      new RegExp(`attempt 77, repeat 0\\) is stale: attempt ${run.attempt} is the current one`),
    );
    assert.deepEqual(snapshot(), before);
  });

  test('calls with an unknown session are NOT_FOUND', async () => {
    await assert.rejects(
      worker.client.report({ session: 'no-such-session', events: [] }),
      (error: ServiceError) => error.code === status.NOT_FOUND && /session no-such-session is unknown/.test(error.details),
    );
    await assert.rejects(
      worker.client.heartbeat({ session: 'bad session!', running: [], draining: false, assignmentsReceived: 0 }),
      invalid(/session: /),
    );
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
    await assert.rejects(
      worker.client.submit({ sweepYaml: bad, fileName: 'mine.yaml' }),
      invalid(/mine\.yaml:\d+:\d+: training\.epochs: must be >= 1/),
    );
    const { studies } = await worker.client.status();
    assert.deepEqual(
      studies.map((s) => s.name),
      ['bad'],
    );
  });

  test('oversized messages are refused: by the transport beyond its limit, by the field check below it', async () => {
    await assert.rejects(
      worker.client.submit({ sweepYaml: 'x'.repeat(3 << 20), fileName: 'big.yaml' }),
      (error: ServiceError) => error.code === status.RESOURCE_EXHAUSTED,
    );
    await assert.rejects(
      worker.client.submit({ sweepYaml: `#${'x'.repeat(1 << 20)}`, fileName: 'big.yaml' }),
      invalid(/sweep_yaml must be at most 1048576 bytes/),
    );
  });

  test('bytes that are not the message at all are refused', async () => {
    const raw = new Client(fixture.coordinator.address, ChannelCredentials.createInsecure());
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const error = await new Promise<ServiceError | null>((resolve) => {
      raw.makeUnaryRequest(
        '/sweeper.v1.Coordinator/Report',
        (b: Buffer) => b,
        (b: Buffer) => b,
        garbage,
        new Metadata(),
        {},
        (e) => resolve(e),
      );
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
