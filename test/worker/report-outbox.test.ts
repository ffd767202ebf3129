import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { RunKey } from '../../src/execution/run-assignment.js';
import type { EventResult, ReportRequest } from '../../src/wire/coordinator-codec.js';
import { ReportOutbox, type Delivery } from '../../worker/report-outbox.js';
import { silentLogger } from '../helpers/silent-logger.js';

const run: RunKey = { study: 's', trialNumber: 0, attempt: 1, repeat: 0 };

function failure(code: status, details = status[code]): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: undefined as never });
}

/** An outbox whose Report calls answer from `script`, one entry per call; calls are recorded. */
function outbox(script: ((request: ReportRequest) => EventResult[] | ServiceError)[]): {
  box: ReportOutbox;
  calls: ReportRequest[];
  lost: number;
} {
  const calls: ReportRequest[] = [];
  const state = { box: undefined as unknown as ReportOutbox, calls, lost: 0 };
  state.box = new ReportOutbox(
    (request) => {
      calls.push(request);
      const answer = (script[calls.length - 1] ?? ((r: ReportRequest) => r.events.map(() => ({ decision: 'continue' as const }))))(request);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    () => void state.lost++,
    silentLogger(),
  );
  return state;
}

const epoch = (box: ReportOutbox, n: number): Promise<Delivery> => box.epoch(run, { epoch: n, metrics: { valAccuracy: 0.5 } });

describe('ReportOutbox: what can never be delivered is given up, not sent for ever', () => {
  test("a refused event is answered as refused, with the coordinator's message", async () => {
    const { box } = outbox([() => [{ refused: { code: status.INVALID_ARGUMENT, message: 'events[0]: bad' } }]]);
    box.useSession('s1');
    assert.deepEqual(await epoch(box, 1), { refused: 'events[0]: bad' });
  });

  test('a call refused as malformed (INVALID_ARGUMENT): its events are given up at once', async () => {
    const { box, calls } = outbox([() => failure(status.INVALID_ARGUMENT, 'session: bad')]);
    box.useSession('s1');
    assert.deepEqual(await epoch(box, 1), { refused: 'the coordinator cannot accept the report: session: bad' });
    assert.equal(calls.length, 1);
  });

  test('an error that may pass (INTERNAL) is retried a few times, then given up', async () => {
    const { box, calls } = outbox(Array.from({ length: 20 }, () => () => failure(status.INTERNAL)));
    box.useSession('s1');
    const delivery = await epoch(box, 1);
    assert.ok('refused' in delivery);
    assert.equal(calls.length, 6, 'one send and five retries');
  });

  test('an unreachable coordinator (UNAVAILABLE) is waited for: nothing is given up', async () => {
    const { box, calls } = outbox([() => failure(status.UNAVAILABLE), () => failure(status.UNAVAILABLE)]);
    box.useSession('s1');
    assert.deepEqual(await epoch(box, 1), { decision: 'continue' });
    assert.equal(calls.length, 3);
  });

  test('a batch too large for the coordinator (RESOURCE_EXHAUSTED) is sent again in halves, down to one event', async () => {
    const tooLarge = (request: ReportRequest): EventResult[] | ServiceError =>
      request.events.length > 1 ? failure(status.RESOURCE_EXHAUSTED) : [{ decision: 'continue' }];
    const { box, calls } = outbox(Array.from({ length: 20 }, () => tooLarge));
    const deliveries = [epoch(box, 1), epoch(box, 2), epoch(box, 3), epoch(box, 4)];
    box.useSession('s1');
    assert.deepEqual(
      await Promise.all(deliveries),
      Array.from({ length: 4 }, () => ({ decision: 'continue' })),
    );
    assert.deepEqual(
      calls.filter((c) => c.events.length === 1).map((c) => (c.events[0]?.type === 'epoch' ? c.events[0].report.epoch : 0)),
      [1, 2, 3, 4],
      'in order',
    );
  });

  test('one event too large even alone is given up', async () => {
    const { box } = outbox(Array.from({ length: 5 }, () => () => failure(status.RESOURCE_EXHAUSTED)));
    box.useSession('s1');
    assert.ok('refused' in (await epoch(box, 1)));
  });

  test('an unknown session (NOT_FOUND): everything waits for the worker to register again', async () => {
    const state = outbox([() => failure(status.NOT_FOUND)]);
    state.box.useSession('s1');
    const delivery = epoch(state.box, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(state.lost, 1);
    assert.equal(state.box.size, 1, 'held, not given up');
    state.box.useSession('s2');
    assert.deepEqual(await delivery, { decision: 'continue' });
  });
});
