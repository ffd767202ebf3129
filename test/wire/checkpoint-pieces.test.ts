import { sha256Hex } from '../../src/files/sha256.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { CheckpointAssembly } from '../../src/wire/checkpoint-assembly.js';
import {
  CHECKPOINT_PIECE_BYTES,
  checkpointPieceFromMessage,
  checkpointPieces,
  checkpointPieceToMessage,
} from '../../src/wire/checkpoint-piece-codec.js';
import { CheckpointPieceSchema } from '../../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { MAX_CHECKPOINT_BYTES } from '../../src/wire/run-codec.js';

const run = { study: 'tiny', trialNumber: 3, attempt: 2, repeat: 0 };

function bytes(size: number): Uint8Array {
  return new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
}

describe('checkpoint pieces on the wire', () => {
  test('a checkpoint of 2.5 MiB goes as three pieces, the first naming run and header, and comes back whole', () => {
    const data = bytes(2.5 * CHECKPOINT_PIECE_BYTES);
    const header = { epoch: 4, bytes: data.length, sha256: sha256Hex(data) };
    const pieces = [...checkpointPieces({ run, header }, data)].map((piece) => checkpointPieceFromMessage(checkpointPieceToMessage(piece)));
    assert.deepEqual(
      pieces.map((piece) => [piece.data.length, piece.run !== undefined, piece.header !== undefined]),
      [
        [CHECKPOINT_PIECE_BYTES, true, true],
        [CHECKPOINT_PIECE_BYTES, false, false],
        [CHECKPOINT_PIECE_BYTES / 2, false, false],
      ],
    );
    const assembly = new CheckpointAssembly(pieces[0]?.header ?? assert.fail());
    for (const piece of pieces) assembly.add(piece.data);
    assert.deepEqual(assembly.finish(), data);
  });

  test('bytes damaged on the way, too many or too few, are refused, never kept', () => {
    const data = bytes(1000);
    const header = { epoch: 1, bytes: 1000, sha256: sha256Hex(data) };
    const flipped = new Uint8Array(data);
    flipped[500] = (flipped[500] ?? 0) ^ 1;
    const damaged = new CheckpointAssembly(header);
    damaged.add(flipped);
    assert.throws(() => damaged.finish(), /do not have the SHA-256 its header states/);
    const long = new CheckpointAssembly(header);
    long.add(data);
    assert.throws(() => long.add(new Uint8Array(1)), /more bytes came than its header states \(1000\)/);
    const short = new CheckpointAssembly(header);
    short.add(data.subarray(0, 999));
    assert.throws(() => short.finish(), /999 bytes came, but its header states 1000/);
  });

  test('a piece over 1 MiB, a header over the size limit or without a SHA-256 is refused, naming the field', () => {
    assert.throws(
      () => checkpointPieceFromMessage(create(CheckpointPieceSchema, { data: new Uint8Array(CHECKPOINT_PIECE_BYTES + 1) })),
      /checkpoint piece: data must have at most 1048576 bytes/,
    );
    const header = (bytes: bigint, sha256: string) =>
      checkpointPieceFromMessage(create(CheckpointPieceSchema, { header: { epoch: 1, bytes, sha256 }, data: new Uint8Array(1) }));
    assert.throws(() => header(BigInt(MAX_CHECKPOINT_BYTES) + 1n, 'a'.repeat(64)), /checkpoint piece: header: bytes: /);
    assert.throws(() => header(10n, 'not hex'), /checkpoint piece: header: sha256: .*SHA-256/);
  });
});
