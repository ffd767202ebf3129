import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { callFailure, isRetryable, type CallFailure } from '../../src/rpc/call-failure.js';

/**
 * Every status, and what each call did before the decisions moved into one module: the report
 * outbox and the heartbeat (the session calls, whose outbox split a too-large batch before asking)
 * and the registration loop (its own list of four refusals). The table must not drift.
 */
const DECISIONS: readonly [status, { register: CallFailure; heartbeat: CallFailure; report: CallFailure }][] = [
  [status.CANCELLED, { register: 'wait', heartbeat: 'wait', report: 'wait' }],
  [status.UNKNOWN, { register: 'wait', heartbeat: 'retry', report: 'retry' }],
  [status.INVALID_ARGUMENT, { register: 'give-up', heartbeat: 'give-up', report: 'give-up' }],
  [status.DEADLINE_EXCEEDED, { register: 'wait', heartbeat: 'wait', report: 'wait' }],
  [status.NOT_FOUND, { register: 'wait', heartbeat: 'register', report: 'register' }],
  [status.ALREADY_EXISTS, { register: 'wait', heartbeat: 'give-up', report: 'give-up' }],
  [status.PERMISSION_DENIED, { register: 'give-up', heartbeat: 'give-up', report: 'give-up' }],
  [status.RESOURCE_EXHAUSTED, { register: 'wait', heartbeat: 'give-up', report: 'split' }],
  [status.FAILED_PRECONDITION, { register: 'give-up', heartbeat: 'give-up', report: 'give-up' }],
  [status.ABORTED, { register: 'wait', heartbeat: 'wait', report: 'wait' }],
  [status.OUT_OF_RANGE, { register: 'wait', heartbeat: 'give-up', report: 'give-up' }],
  [status.UNIMPLEMENTED, { register: 'wait', heartbeat: 'give-up', report: 'give-up' }],
  [status.INTERNAL, { register: 'wait', heartbeat: 'retry', report: 'retry' }],
  [status.UNAVAILABLE, { register: 'wait', heartbeat: 'wait', report: 'wait' }],
  [status.DATA_LOSS, { register: 'wait', heartbeat: 'give-up', report: 'give-up' }],
  [status.UNAUTHENTICATED, { register: 'give-up', heartbeat: 'register', report: 'register' }],
];

describe('what a worker does when a call fails', () => {
  for (const [code, expected] of DECISIONS) {
    test(`${status[code]}: register ${expected.register}, heartbeat ${expected.heartbeat}, report ${expected.report}`, () => {
      const error = { code, details: status[code] };
      for (const call of ['register', 'heartbeat', 'report'] as const) {
        assert.equal(callFailure(error, call), expected[call], call);
        assert.equal(isRetryable(error, call), expected[call] !== 'give-up', call);
      }
    });
  }

  test('an error that is no gRPC status: registering waits, a session call gives up', () => {
    for (const error of [new Error('boom'), { code: 'ECONNRESET' }, { code: 99 }]) {
      assert.equal(callFailure(error, 'register'), 'wait');
      assert.equal(callFailure(error, 'heartbeat'), 'give-up');
      assert.equal(callFailure(error, 'report'), 'give-up');
    }
  });
});
