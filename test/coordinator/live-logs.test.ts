import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import type { LogRequest } from '../../src/wire/coordinator-codec.js';
import { FakeWorker, finishedEvent, keyOf } from '../helpers/fake-worker.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';
import { until } from '../helpers/until.js';

/**
 * The Logs call (`sweeper logs --follow`) through a real coordinator: the request goes down the
 * work stream of the worker that holds the run, and its LogChunk comes back as the answer.
 */
const dir = tempDir();
const open: { close(): unknown }[] = [];
after(async () => {
  for (const thing of open.reverse()) await thing.close();
});

async function coordinatorWithStudy(name: string, logWaitMs = 5_000): Promise<CoordinatorFixture> {
  const fixture = await startCoordinator(dir, name, { logWaitMs });
  open.push(fixture);
  await fixture.coordinator.studyHost.submit(tinySweepYaml({ study: `study: ${name}`, budget: 'budget:\n  trials: 1' }), 'tiny.yaml');
  return fixture;
}

function worker(fixture: CoordinatorFixture, servesLogs: boolean): FakeWorker {
  const w = new FakeWorker(fixture.coordinator.address, { servesLogs });
  open.push(w);
  return w;
}

/** The next log request on the worker's stream, taken from its items. */
function nextLogRequest(w: FakeWorker, signal: AbortSignal): Promise<LogRequest> {
  return until(
    () => {
      const index = w.items.findIndex((item) => item.type === 'log');
      if (index < 0) return undefined;
      const [item] = w.items.splice(index, 1);
      return item?.type === 'log' ? item.request : undefined;
    },
    { what: 'a log request', signal, intervalMs: 20 },
  );
}

describe('live logs (real gRPC, fake workers)', () => {
  test('the holding worker is asked from the offset; its bytes come back while running, and the rest after the end', async (t) => {
    const fixture = await coordinatorWithStudy('live');
    const w = worker(fixture, true);
    await w.register(1);
    w.openWork();
    const run = keyOf(await w.nextAssignment());

    const asked = w.client.logs({ study: 'live', trialNumber: 0, repeat: 0, offset: 3 });
    const request = await nextLogRequest(w, t.signal);
    assert.deepEqual(request.run, run);
    assert.equal(request.offset, 3);
    assert.equal(request.maxBytes, 64 * 1024);
    await w.client.logChunk({
      session: w.session,
      requestId: request.requestId,
      data: Buffer.from('line 2\n'),
      nextOffset: 10,
      missing: false,
    });
    const reply = await asked;
    assert.equal(Buffer.from(reply.data).toString(), 'line 2\n');
    assert.equal(reply.nextOffset, 10);
    assert.equal(reply.running, true);
    assert.equal(reply.attempt, run.attempt);

    // The run ends: the worker is still asked for what the follower has not seen, and says running no more.
    await w.report([finishedEvent(run, 2)]);
    const rest = w.client.logs({ study: 'live', trialNumber: 0, repeat: 0, offset: 10 });
    const restRequest = await nextLogRequest(w, t.signal);
    await w.client.logChunk({
      session: w.session,
      requestId: restRequest.requestId,
      data: Buffer.from('end\n'),
      nextOffset: 14,
      missing: false,
    });
    const restReply = await rest;
    assert.equal(Buffer.from(restReply.data).toString(), 'end\n');
    assert.equal(restReply.running, false);
  });

  test('a run whose worker keeps no log, a worker too old to send one, one that does not answer, an unknown trial', async (t) => {
    const fixture = await coordinatorWithStudy('refusals', 300);
    const w = worker(fixture, true);
    await w.register(1);
    w.openWork();
    await w.nextAssignment();

    // The worker has no log of the run (a training run writes none).
    const missing = assert.rejects(
      w.client.logs({ study: 'refusals', trialNumber: 0, repeat: 0, offset: 0 }),
      (error: { code: status; details: string }) => {
        assert.equal(error.code, status.FAILED_PRECONDITION);
        assert.match(error.details, /runs a train task, whose output is not kept: only command: tasks' runs can be followed/);
        return true;
      },
    );
    const request = await nextLogRequest(w, t.signal);
    await w.client.logChunk({ session: w.session, requestId: request.requestId, data: new Uint8Array(), nextOffset: 0, missing: true });
    await missing;

    // No answer within the wait: UNAVAILABLE, saying which worker and run.
    await assert.rejects(
      w.client.logs({ study: 'refusals', trialNumber: 0, repeat: 0, offset: 0 }),
      (error: { code: status; details: string }) => {
        assert.equal(error.code, status.UNAVAILABLE);
        assert.match(error.details, /^worker fakehost:1 did not send the output of .* within 0.3 s$/);
        return true;
      },
    );

    // An unknown study or trial is NOT_FOUND, naming it.
    await assert.rejects(
      w.client.logs({ study: 'nosuch', trialNumber: 0, repeat: 0, offset: 0 }),
      (error: { code: status; details: string }) => {
        assert.equal(error.code, status.NOT_FOUND);
        assert.match(error.details, /no study named "nosuch"/);
        return true;
      },
    );
    await assert.rejects(
      w.client.logs({ study: 'refusals', trialNumber: 9, repeat: 0, offset: 0 }),
      (error: { code: status; details: string }) => {
        assert.equal(error.code, status.NOT_FOUND);
        assert.match(error.details, /study refusals has no trial 9/);
        return true;
      },
    );
  });

  test('a worker that does not serve logs (an older one) is never sent a request: the call says so', async () => {
    const fixture = await coordinatorWithStudy('older');
    const w = worker(fixture, false);
    await w.register(1);
    w.openWork();
    await w.nextAssignment();
    await assert.rejects(
      w.client.logs({ study: 'older', trialNumber: 0, repeat: 0, offset: 0 }),
      (error: { code: status; details: string }) => {
        assert.equal(error.code, status.FAILED_PRECONDITION);
        assert.match(error.details, /^worker fakehost:1 runs an older sweeper \(test\) that cannot send a run's output while it runs$/);
        return true;
      },
    );
    assert.equal(w.items.filter((item) => item.type === 'log').length, 0, 'no log request went down its stream');
  });
});
