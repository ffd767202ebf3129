import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';
import { epochEvent, FakeWorker, finishedEvent, keyOf, stoppedEvent } from '../helpers/fake-worker.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { waitFor } from '../helpers/cluster.js';
import { readTrials, waitForTrials } from '../helpers/poll-store.js';

const dir = tempDir();
const open: { close(): unknown }[] = [];
after(async () => {
  for (const thing of open.reverse()) await thing.close();
});

async function coordinatorWithStudy(
  name: string,
  options: Parameters<typeof startCoordinator>[2] = {},
  budget = 1,
): Promise<CoordinatorFixture> {
  const fixture = await startCoordinator(dir, name, options);
  open.push(fixture);
  await fixture.coordinator.studyHost.submit(
    tinySweepYaml({ study: `study: ${name}`, budget: `budget:\n  trials: ${budget}` }),
    'tiny.yaml',
  );
  return fixture;
}

function worker(fixture: CoordinatorFixture): FakeWorker {
  const w = new FakeWorker(fixture.coordinator.address);
  open.push(w);
  return w;
}

describe('leases and fencing (real gRPC, fake workers)', () => {
  test('a silent worker loses its trial; the next attempt runs elsewhere; the old attempt is fenced off', async () => {
    const fixture = await coordinatorWithStudy('lease', { leaseMs: 400 });
    const a = worker(fixture);
    await a.register(1);
    a.openWork();
    const first = await a.nextAssignment();
    assert.equal(first.attempt, 1);
    const [accepted] = await a.report([epochEvent(keyOf(first), 1, 0.5)]);
    assert.deepEqual(accepted, { decision: 'continue' });

    // A goes silent: no heartbeat. Its lease runs out and the trial goes back to the queue.
    const [requeued] = await waitForTrials(fixture.path, 'lease', ([t]) => t?.state === 'QUEUED', 10_000);
    assert.equal(requeued?.attempt, 1);
    assert.match(requeued?.reason ?? '', /attempt 1 was lost: worker fakehost:1 was not heard from for [\d.]+ s \(lease 0.4 s\)/);

    const b = worker(fixture);
    await b.register(1);
    b.openWork();
    const second = await b.nextAssignment();
    assert.equal(second.trialNumber, first.trialNumber);
    assert.equal(second.attempt, 2, 'the re-run is a new attempt');
    await b.report([epochEvent(keyOf(second), 1, 0.7)]);

    // A comes back. Its old session is gone; registering again, it is told to abandon its run.
    await assert.rejects(a.heartbeat([keyOf(first)]), (error: { code: status }) => error.code === status.NOT_FOUND);
    const again = await a.register(1, [keyOf(first)]);
    assert.deepEqual(
      again.abandon.map((k) => k.attempt),
      [1],
    );
    assert.equal(again.adopted.length, 0);
    // A misbehaving worker that reports anyway is refused, event by event, and nothing is written.
    const results = await a.report([epochEvent(keyOf(first), 1, 0.01), epochEvent(keyOf(first), 2, 0.01), finishedEvent(keyOf(first), 2)]);
    for (const result of results) {
      assert.ok(result && 'refused' in result && result.refused, 'every stale event is refused');
      assert.equal(result.refused.code, status.FAILED_PRECONDITION);
      assert.match(result.refused.message, /attempt 1, repeat 0\) is stale: attempt 2 is the current one/);
    }
    const [running] = readTrials(fixture.path, 'lease');
    assert.equal(running?.state, 'RUNNING');
    assert.equal(running?.attempt, 2);
    assert.equal(running?.epochs, 1, "only attempt 2's epoch is stored");

    await b.report([epochEvent(keyOf(second), 2, 0.8), finishedEvent(keyOf(second), 2)]);
    const [done] = await waitForTrials(fixture.path, 'lease', ([t]) => t?.state === 'COMPLETE', 10_000);
    assert.equal(done?.attempt, 2);
    assert.equal(done?.value, 0.8, "the result is attempt 2's, untouched by the stale reports");
  });

  test('a trial whose worker is lost on every attempt fails after the retry limit, with the reason', async () => {
    const fixture = await coordinatorWithStudy('retries', { leaseMs: 300, maxAttempts: 2 });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const w = worker(fixture);
      await w.register(1);
      const stopHeartbeats = w.keepAlive(50);
      w.openWork();
      assert.equal((await w.nextAssignment()).attempt, attempt);
      stopHeartbeats(); // and then silence
    }
    const [failed] = await waitForTrials(fixture.path, 'retries', ([t]) => t?.state === 'FAILED', 10_000);
    assert.match(failed?.reason ?? '', /attempt 2 was lost: .*; gave up after 2 lost attempts/);
  });

  test('an attempt cut short by a coordinator stop (drain) does not count towards the retry limit', async () => {
    const options = { leaseMs: 300, maxAttempts: 2 };
    const first = await coordinatorWithStudy('restarts', options);
    const a = worker(first);
    await a.register(1);
    const stopA = a.keepAlive(50);
    a.openWork();
    const run = keyOf(await a.nextAssignment());
    assert.equal(run.attempt, 1);
    // Stopped with no drain time, as SIGTERM does once its drain timeout is over: the coordinator
    // tells the worker to stop, the worker says it stopped, the trial goes back to the queue.
    // Attempt 1 was not lost: its worker is alive and well.
    const drained = first.coordinator.studyHost.drain(0);
    await waitFor('the stop of the run', () => a.items.some((item) => item.type === 'stop' && item.run.attempt === 1), 10_000);
    await a.report([stoppedEvent(run, 0)]);
    await drained;
    await first.crash(); // the fake worker still holds its stream: no graceful server shutdown
    stopA();
    const [requeued] = readTrials(first.path, 'restarts');
    assert.deepEqual([requeued?.state, requeued?.attempt], ['QUEUED', 1]);

    const second = await startCoordinator(dir, 'restarts', options);
    open.push(second);
    const loseOne = async (attempt: number): Promise<void> => {
      const w = worker(second);
      await w.register(1);
      const stopHeartbeats = w.keepAlive(50);
      w.openWork();
      assert.equal((await w.nextAssignment()).attempt, attempt);
      stopHeartbeats();
    };
    await loseOne(2);
    const [again] = await waitForTrials(second.path, 'restarts', ([t]) => t?.state !== 'RUNNING', 10_000);
    assert.equal(again?.state, 'QUEUED', 'attempt 2 is its first lost attempt: it runs again, although it is attempt 2 of at most 2');
    assert.match(again?.reason ?? '', /attempt 2 was lost/);
    const stored = await second.store.getTrial((await second.store.getStudy('restarts')).id, 0);
    assert.equal(stored.lostAttempts, 1);
    await loseOne(3);
    const [failed] = await waitForTrials(second.path, 'restarts', ([t]) => t?.state === 'FAILED', 10_000);
    assert.match(failed?.reason ?? '', /attempt 3 was lost: .*; gave up after 2 lost attempts/);
  });

  test('a worker that keeps its heartbeat keeps its trial, however long it runs', async () => {
    const fixture = await coordinatorWithStudy('heartbeat', { leaseMs: 300 });
    const w = worker(fixture);
    await w.register(1);
    w.openWork();
    const run = await w.nextAssignment();
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const abandon = await w.heartbeat([keyOf(run)]);
      assert.equal(abandon.length, 0);
    }
    await w.report([epochEvent(keyOf(run), 1, 0.6), epochEvent(keyOf(run), 2, 0.65), finishedEvent(keyOf(run), 2)]);
    const [done] = await waitForTrials(fixture.path, 'heartbeat', ([t]) => t?.state === 'COMPLETE', 10_000);
    assert.equal(done?.attempt, 1);
  });

  test('a run the worker no longer holds (its heartbeat counts the assignment but does not list it) ends at once, and runs again', async () => {
    const fixture = await coordinatorWithStudy('dropped', { leaseMs: 60_000 });
    const w = worker(fixture);
    await w.register(1);
    w.openWork();
    const first = keyOf(await w.nextAssignment());
    // An older worker's heartbeat (no count) proves nothing: the assignment may be in flight.
    assert.deepEqual(await w.heartbeat([], false, 0), []);
    assert.equal(readTrials(fixture.path, 'dropped')[0]?.state, 'RUNNING');
    // This one has received it, and does not run it: no report of it will ever come.
    assert.deepEqual(await w.heartbeat([], false, w.assignmentsReceived), []);
    const second = keyOf(await w.nextAssignment());
    assert.deepEqual([second.trialNumber, second.attempt], [first.trialNumber, 2], 'the trial runs again, long before the 60 s lease');
    const [late] = await w.report([finishedEvent(first, 2)]);
    assert.ok(late && 'refused' in late, 'the dropped attempt is over');
    // Listed, a run is kept.
    assert.deepEqual(await w.heartbeat([second], false, w.assignmentsReceived), []);
    await w.report([epochEvent(second, 1, 0.6), finishedEvent(second, 1)]);
    const [done] = await waitForTrials(fixture.path, 'dropped', ([t]) => t?.state === 'COMPLETE', 10_000);
    assert.equal(done?.attempt, 2);
  });

  test('a worker that re-registers after a broken connection keeps its runs', async () => {
    const fixture = await coordinatorWithStudy('reconnect');
    const w = worker(fixture);
    await w.register(1);
    w.openWork();
    const run = await w.nextAssignment();
    const reply = await w.register(1, [keyOf(run)]);
    assert.deepEqual(
      reply.adopted.map((k) => k.trialNumber),
      [run.trialNumber],
    );
    w.openWork();
    await w.report([epochEvent(keyOf(run), 1, 0.6), epochEvent(keyOf(run), 2, 0.6), finishedEvent(keyOf(run), 2)]);
    const [done] = await waitForTrials(fixture.path, 'reconnect', ([t]) => t?.state === 'COMPLETE', 10_000);
    assert.equal(done?.attempt, 1, 'no new attempt');
  });

  test('a restarted coordinator takes back the trials live workers still run, and re-queues the rest', async () => {
    const first = await coordinatorWithStudy('restart', { leaseMs: 1_000 }, 3);
    const kept = worker(first);
    await kept.register(1);
    kept.openWork();
    const keptRun = await kept.nextAssignment();
    await kept.report([epochEvent(keyOf(keptRun), 1, 0.5)]);
    const gone = worker(first);
    await gone.register(1);
    gone.openWork();
    const goneRun = await gone.nextAssignment();
    await first.crash();

    const second = await startCoordinator(dir, 'restart', { leaseMs: 1_000 });
    open.push(second);
    assert.deepEqual(second.coordinator.resumed, ['restart']);
    const back = new FakeWorker(second.coordinator.address, {}, kept.workerId);
    open.push(back);
    const reply = await back.register(1, [keyOf(keptRun)]);
    assert.deepEqual(
      reply.adopted.map((k) => k.trialNumber),
      [keptRun.trialNumber],
      'the live run is taken back',
    );
    back.openWork();
    await back.report([epochEvent(keyOf(keptRun), 2, 0.9), finishedEvent(keyOf(keptRun), 2)]);

    // Nobody claims the other run: after the reclaim window it is re-queued and runs again.
    const trials = await waitForTrials(
      second.path,
      'restart',
      (ts) =>
        ts.filter((t) => t.state === 'COMPLETE').length >= 1 && ts.some((t) => t.number === goneRun.trialNumber && t.state !== 'RUNNING'),
      10_000,
    );
    const keptTrial = trials.find((t) => t.number === keptRun.trialNumber);
    assert.equal(keptTrial?.state, 'COMPLETE');
    assert.equal(keptTrial?.attempt, 1, 'taken back, not re-run');
    assert.equal(keptTrial?.epochs, 2, 'the epoch reported before the crash is kept');
    const goneTrial = trials.find((t) => t.number === goneRun.trialNumber);
    assert.match(goneTrial?.reason ?? '', /no worker took it back within 1 s of the coordinator starting/);
  });

  test('a coordinator leaves alone a hosted study that another live coordinator runs, unless told to take it over', async () => {
    const first = await coordinatorWithStudy('claimed', {}, 20);
    const second = await startCoordinator(dir, 'claimed');
    open.push(second);
    assert.deepEqual(second.coordinator.resumed, [], 'not resumed: the first coordinator holds its lock');
    assert.equal(second.coordinator.studyHost.isActive('claimed'), false);
    assert.equal(first.coordinator.studyHost.isActive('claimed'), true);

    const takenFrom: string[] = [];
    const third = await startCoordinator(dir, 'claimed', {
      takeOver: true,
      onTakeOver: (study, previous) => takenFrom.push(`${study} from ${previous?.id}`),
    });
    open.push(third);
    assert.deepEqual(third.coordinator.resumed, ['claimed'], '--take-over: resumed all the same');
    assert.equal(takenFrom.length, 1);
    assert.match(takenFrom[0] ?? '', /^claimed from test-claimed-/);
  });
});
