import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { hintFor } from '../../cli/error-hints.js';
import { reportError } from '../../cli/report-error.js';
import { InvalidStateError } from '../../src/errors/invalid-state-error.js';
import { StoreError, type StoreFailure } from '../../src/errors/store-error.js';
import { statusOf } from '../../src/rpc/grpc-status.js';
import { translateSqliteError } from '../../src/store/sqlite/sqlite-failure.js';

const PATH = '/data/runs.db';

/** SQLite's code, the failure it means, the exit code of the CLI and the gRPC status on the wire. */
const CASES: readonly [string, string, StoreFailure, number, status][] = [
  ['SQLITE_FULL', 'database or disk is full', 'DISK_FULL', 1, status.UNAVAILABLE],
  ['SQLITE_READONLY', 'attempt to write a readonly database', 'READ_ONLY', 2, status.FAILED_PRECONDITION],
  ['SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database', 'READ_ONLY', 2, status.FAILED_PRECONDITION],
  ['SQLITE_CORRUPT', 'database disk image is malformed', 'DAMAGED', 1, status.DATA_LOSS],
  ['SQLITE_CORRUPT_INDEX', 'database disk image is malformed', 'DAMAGED', 1, status.DATA_LOSS],
  ['SQLITE_NOTADB', 'file is not a database', 'NOT_A_STORE', 2, status.INVALID_ARGUMENT],
  ['SQLITE_BUSY', 'database is locked', 'LOCKED', 1, status.UNAVAILABLE],
  ['SQLITE_IOERR_WRITE', 'disk I/O error', 'IO_ERROR', 1, status.UNAVAILABLE],
  ['SQLITE_CANTOPEN', 'unable to open database file', 'CANNOT_OPEN', 2, status.INVALID_ARGUMENT],
];

/** reportError's exit code, with what it prints kept out of the test's output. */
function exitCodeOf(error: Error): { code: number; printed: string } {
  const write = process.stderr.write.bind(process.stderr);
  let printed = '';
  process.stderr.write = (chunk: string) => {
    printed += chunk;
    return true;
  };
  try {
    return { code: reportError(error), printed };
  } finally {
    process.stderr.write = write;
  }
}

describe('SQLite failures as the user reads them', () => {
  for (const [code, message, failure, exitCode, wire] of CASES) {
    test(`${code}: ${failure}, exit ${exitCode}, ${status[wire]} on the wire`, () => {
      const error = translateSqliteError(new Database.SqliteError(message, code), PATH);
      assert.ok(error instanceof StoreError, String(error));
      assert.equal(error.failure, failure);
      assert.ok(error.message.includes(PATH), error.message);
      assert.deepEqual(error.facts, { reason: failure, path: PATH });
      assert.equal(error.hint, undefined, 'the store gives no advice: the CLI does');
      assert.ok((hintFor(error) ?? '') !== '');
      const { code: exit, printed } = exitCodeOf(error);
      assert.equal(exit, exitCode);
      assert.doesNotMatch(printed, /looks like a bug/);
      assert.equal(statusOf(error), wire);
    });
  }

  test('a full disk says that nothing was lost and how to go on', () => {
    const error = translateSqliteError(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'), PATH) as StoreError;
    assert.equal(
      error.message,
      `the disk holding the trial store ${PATH} is full: the last change was not stored, and nothing stored before it was lost`,
    );
    assert.equal(hintFor(error), 'free space on that disk (`df -h /data`), then continue with `sweeper resume STUDY`');
  });

  test("the store's invariant triggers stay InvalidStateError; other constraints and non-SQLite errors pass through", () => {
    assert.ok(
      translateSqliteError(new Database.SqliteError('trial is COMPLETE and cannot change', 'SQLITE_CONSTRAINT_TRIGGER'), PATH) instanceof
        InvalidStateError,
    );
    const unique = new Database.SqliteError('UNIQUE constraint failed: studies.name', 'SQLITE_CONSTRAINT_UNIQUE');
    assert.equal(translateSqliteError(unique, PATH), unique);
    const bug = new TypeError('undefined is not a function');
    assert.equal(translateSqliteError(bug, PATH), bug);
  });
});
