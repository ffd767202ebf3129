import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { hintFor } from '../../cli/error-hints.js';
import { AlreadyExistsError } from '../../src/errors/already-exists-error.js';
import { SweeperError } from '../../src/errors/sweeper-error.js';
import { fromServiceError, toServiceError } from '../../src/rpc/grpc-status.js';
import { storeFailure } from '../../src/store/sqlite/sqlite-failure.js';

/** An error as a coordinator sends it, then as its client reads it. */
function acrossTheWire(error: Error): Error {
  return fromServiceError(Object.assign(new Error('wire'), toServiceError(error)), 'localhost:7400');
}

describe("a store's error crosses the wire with its facts, and the CLI gives the same hint on either side", () => {
  test('a study name taken', () => {
    const error = new AlreadyExistsError('study "a" already exists in /data/runs.db', undefined, {
      reason: 'STUDY_EXISTS',
      study: 'a',
      path: '/data/runs.db',
    });
    const read = acrossTheWire(error);
    assert.ok(read instanceof SweeperError);
    assert.equal(read.code, 'ALREADY_EXISTS');
    assert.equal(read.message, error.message);
    assert.equal(hintFor(read), hintFor(error));
    assert.equal(hintFor(read), 'continue it with `sweeper resume a`, or give the new one another name (--study NAME)');
  });

  test('a full disk is UNAVAILABLE on the wire, and still not taken for an unreachable coordinator', () => {
    const error = storeFailure('DISK_FULL', '/data/runs.db', 'database or disk is full');
    assert.equal(toServiceError(error).code, status.UNAVAILABLE);
    const read = acrossTheWire(error);
    assert.ok(read instanceof SweeperError);
    assert.equal(read.message, error.message);
    assert.equal(hintFor(read), 'free space on that disk (`df -h /data`), then continue with `sweeper resume STUDY`');
  });
});
