import type { SavedTensor } from './saved-tensor.js';
import type { TrainingState } from './training-state.js';

/**
 * A training state as bytes, for a checkpoint file and the wire: "SWCK", a format version, the
 * state as JSON with each tensor replaced by its shape and index, then the tensors' float32 values
 * one after another (little-endian, as every platform Node runs on). The values are most of the
 * bytes and are copied, never turned into text.
 */
const MAGIC = Buffer.from('SWCK');
const VERSION = 1;
/** MAGIC, version, header length. */
const PREAMBLE_BYTES = 12;
/** A header is the state without its tensors: a few kilobytes for any model; more is not ours. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

/** A checkpoint's bytes are not one this version wrote, or were damaged: the reason names what. */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

interface TensorRef {
  readonly $tensor: number;
  readonly shape: readonly number[];
}

export function encodeCheckpoint(state: TrainingState): Buffer {
  const tensors: SavedTensor[] = [];
  const header = Buffer.from(
    JSON.stringify(state, (_key, value: unknown) => {
      if (!isSavedTensor(value)) return value;
      tensors.push(value);
      return { $tensor: tensors.length - 1, shape: value.shape } satisfies TensorRef;
    }),
  );
  const padded = align4(header.length);
  const valueBytes = tensors.reduce((sum, tensor) => sum + tensor.values.byteLength, 0);
  const bytes = Buffer.alloc(PREAMBLE_BYTES + padded + valueBytes);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(VERSION, 4);
  bytes.writeUInt32LE(header.length, 8);
  header.copy(bytes, PREAMBLE_BYTES);
  let at = PREAMBLE_BYTES + padded;
  for (const { values } of tensors) {
    Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(bytes, at);
    at += values.byteLength;
  }
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array): TrainingState {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < PREAMBLE_BYTES || !buffer.subarray(0, 4).equals(MAGIC))
    throw new CheckpointFormatError('not a sweeper checkpoint: it does not start with "SWCK"');
  const version = buffer.readUInt32LE(4);
  if (version !== VERSION)
    throw new CheckpointFormatError(`checkpoint format ${version} is not known to this version (it reads ${VERSION})`);
  const headerBytes = buffer.readUInt32LE(8);
  if (headerBytes > MAX_HEADER_BYTES || PREAMBLE_BYTES + headerBytes > buffer.length)
    throw new CheckpointFormatError(
      `the checkpoint's header claims ${headerBytes} bytes, but the file has ${buffer.length - PREAMBLE_BYTES} after its start`,
    );
  let refs: TensorRef[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes), (_key, value: unknown) => {
      if (isTensorRef(value)) refs.push(value);
      return value;
    });
  } catch (error) {
    throw new CheckpointFormatError(`the checkpoint's header is not JSON: ${(error as Error).message}`);
  }
  refs = refs.sort((a, b) => a.$tensor - b.$tensor);
  let at = PREAMBLE_BYTES + align4(headerBytes);
  const tensors: SavedTensor[] = [];
  for (const [index, ref] of refs.entries()) {
    if (ref.$tensor !== index) throw new CheckpointFormatError(`the checkpoint's tensors are not numbered 0 to ${refs.length - 1}`);
    const count = ref.shape.reduce((product, size) => product * size, 1);
    const end = at + count * 4;
    if (end > buffer.length)
      throw new CheckpointFormatError(`the checkpoint ends inside tensor ${index} (shape [${ref.shape.join(', ')}])`);
    // A copy into its own buffer: aligned, and independent of the file's bytes.
    tensors.push({ shape: [...ref.shape], values: new Float32Array(buffer.buffer.slice(buffer.byteOffset + at, buffer.byteOffset + end)) });
    at = end;
  }
  if (at !== buffer.length) throw new CheckpointFormatError(`the checkpoint has ${buffer.length - at} bytes after its last tensor`);
  const state = revive(parsed, tensors);
  checkState(state);
  return state as TrainingState;
}

function revive(value: unknown, tensors: readonly SavedTensor[]): unknown {
  if (isTensorRef(value)) return tensors[value.$tensor];
  if (Array.isArray(value)) return value.map((item) => revive(item, tensors));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item, tensors)]));
  return value;
}

/** The fields every state has, checked so that a damaged header fails here, named, not deep in training. */
function checkState(state: unknown): void {
  const fail = (field: string, expected: string): never => {
    throw new CheckpointFormatError(`the checkpoint's ${field} must be ${expected}`);
  };
  if (typeof state !== 'object' || state === null) fail('state', 'an object');
  const s = state as Record<string, unknown>;
  if (!Number.isInteger(s.epoch) || (s.epoch as number) < 1) fail('epoch', 'a positive integer');
  if (typeof s.trainSeconds !== 'number' || !Number.isFinite(s.trainSeconds)) fail('trainSeconds', 'a finite number');
  for (const field of ['learningRates', 'ihyll', 'dropoutMasks'])
    if (!Array.isArray(s[field]) || !(s[field] as unknown[]).every((x) => typeof x === 'number')) fail(field, 'an array of numbers');
  if (!Array.isArray(s.weights) || !(s.weights as unknown[]).every(isSavedTensor)) fail('weights', 'an array of tensors');
  const optimizer = s.optimizer as Record<string, unknown> | undefined;
  if (typeof optimizer !== 'object' || optimizer === null || !Number.isInteger(optimizer.iterations))
    fail('optimizer.iterations', 'an integer');
}

function isSavedTensor(value: unknown): value is SavedTensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as SavedTensor).values instanceof Float32Array &&
    Array.isArray((value as SavedTensor).shape)
  );
}

function isTensorRef(value: unknown): value is TensorRef {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as TensorRef;
  return (
    Number.isInteger(ref.$tensor) &&
    ref.$tensor >= 0 &&
    Array.isArray(ref.shape) &&
    ref.shape.every((size) => Number.isInteger(size) && size >= 0)
  );
}

function align4(length: number): number {
  return Math.ceil(length / 4) * 4;
}
