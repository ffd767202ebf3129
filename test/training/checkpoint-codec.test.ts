import { sha256Hex } from '../../src/files/sha256.js';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DatasetCache } from '../../src/datasets/dataset-cache.js';
import { CheckpointFormatError, decodeCheckpoint, encodeCheckpoint } from '../../src/training/checkpoint/checkpoint-codec.js';
import type { TrainingState } from '../../src/training/checkpoint/training-state.js';
import { DEFAULT_MODEL, DEFAULT_TRAINING } from '../../src/training/settings.js';
import { initBackend } from '../../src/training/tf-backend.js';
import { toTrainingData } from '../../src/training/training-data.js';
import { trainRun } from '../../src/training/train-run.js';

let state: TrainingState;

before(async () => {
  assert.equal(await initBackend('wasm'), 'wasm');
  const split = await new DatasetCache().load({ name: 'bundled-mnist', limit: 600, validation: 100, test: 0, seed: 2 });
  const saved: TrainingState[] = [];
  trainRun({
    data: toTrainingData(split),
    config: {
      model: { ...DEFAULT_MODEL, depth: 2, width: 24, dropout: 0.2, batch_norm: true },
      training: { ...DEFAULT_TRAINING, epochs: 1, optimizer: 'adam' },
    },
    seed: 9,
    objective: { metric: 'val_accuracy', direction: 'maximize' },
    onEpoch: () => undefined,
    shouldStop: () => false,
    checkpoint: { every: 1, final: true, save: (s) => saved.push(s) },
  });
  state = saved[0] as TrainingState;
});

/** The encoded bytes with `edit` applied to a copy. */
function damaged(edit: (bytes: Buffer) => Buffer): Buffer {
  return edit(Buffer.from(encodeCheckpoint(state)));
}

describe('checkpoint bytes', () => {
  test('a state survives encoding whole: every value, every field; the bytes are mostly the values', () => {
    const bytes = encodeCheckpoint(state);
    const decoded = decodeCheckpoint(bytes);
    assert.deepEqual(decoded, state);
    const values = [...state.weights, ...Object.values(state.optimizer.slots).flat(), ...(state.best?.weights ?? [])].reduce(
      (sum, tensor) => sum + tensor.values.byteLength,
      0,
    );
    assert.ok(bytes.length > values && bytes.length < values + 64 * 1024, `${bytes.length} bytes for ${values} bytes of values`);
    assert.ok(state.optimizer.adamPowers !== undefined && state.dropoutMasks.length === 2 && state.best !== undefined);
  });

  test('the checksum is the SHA-256 of the bytes: any change shows', () => {
    const bytes = encodeCheckpoint(state);
    const sum = sha256Hex(bytes);
    assert.match(sum, /^[0-9a-f]{64}$/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    assert.notEqual(sha256Hex(flipped), sum);
  });

  for (const [what, bytes, reason] of [
    ['not a checkpoint', () => Buffer.from('PK\u0003\u0004 a zip file'), /not a sweeper checkpoint/],
    ['empty', () => Buffer.alloc(0), /not a sweeper checkpoint/],
    ['a later format', () => damaged((b) => (b.writeUInt32LE(2, 4), b)), /checkpoint format 2 is not known to this version \(it reads 1\)/],
    ['a header longer than the file', () => damaged((b) => (b.writeUInt32LE(0xffffff, 8), b)), /header claims 16777215 bytes/],
    ['a header that is not JSON', () => damaged((b) => (b.write('}', 12), b)), /header is not JSON/],
    ['cut inside a tensor', () => damaged((b) => b.subarray(0, b.length - 10)), /ends inside tensor \d+/],
    ['bytes after the last tensor', () => damaged((b) => Buffer.concat([b, Buffer.alloc(8)])), /8 bytes after its last tensor/],
  ] as [string, () => Buffer, RegExp][]) {
    test(`${what}: refused, saying why`, () => {
      assert.throws(
        () => decodeCheckpoint(bytes()),
        (error: unknown) => error instanceof CheckpointFormatError && reason.test(error.message),
      );
    });
  }

  test('a header whose fields are wrong is refused with the field named', () => {
    const header = { ...state, epoch: 0, weights: [] };
    const json = Buffer.from(JSON.stringify(header));
    const bytes = Buffer.alloc(12 + Math.ceil(json.length / 4) * 4);
    bytes.write('SWCK', 0);
    bytes.writeUInt32LE(1, 4);
    bytes.writeUInt32LE(json.length, 8);
    json.copy(bytes, 12);
    assert.throws(() => decodeCheckpoint(bytes), /the checkpoint's epoch must be a positive integer/);
  });
});
